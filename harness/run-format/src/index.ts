export * from './runFiles.ts';
export * from './classifyOutcome.ts';
export { readRun, type Run, type ExperimentFile } from './readRun.ts';
export { readNdjson } from './readNdjson.ts';
export { NdjsonWriter } from './NdjsonWriter.ts';
export { writeRunFile } from './writeRunFile.ts';
export { RunFolderError } from './RunFolderError.ts';
export { nearestRankQuantile } from './nearestRankQuantile.ts';
export { seededRandom } from './seededRandom.ts';
