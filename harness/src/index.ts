export * from './stack/index.ts';
export { ensureTools, type Tools } from './tools/ensureTools.ts';
export { versions } from './tools/versions.ts';
export * from './checkers/index.ts';
