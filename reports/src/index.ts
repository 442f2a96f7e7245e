export * from './runFiles.ts';
export { readRun, type Run, type ExperimentFile } from './readRun.ts';
export { RunFolderError } from './RunFolderError.ts';
export { summarizeRun, type RunSummary } from './summarizeRun.ts';
export { writeReport } from './writeReport.ts';
export { writeComparison } from './writeComparison.ts';
export type { Comparison, FigureRow, CheckRow } from './compareRuns.ts';
export { nearestRankQuantile } from './nearestRankQuantile.ts';
