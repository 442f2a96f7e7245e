export * from './runFiles.ts';
