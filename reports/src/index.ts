export { summarizeRun, type RunSummary } from './summarizeRun.ts';
export { writeReport } from './writeReport.ts';
export { writeComparison } from './writeComparison.ts';
export type { Comparison, FigureRow, CheckRow } from './compareRuns.ts';
export { writeCiFiles } from './writeCiFiles.ts';
export { publishToGithub } from './publishToGithub.ts';
export type { CiRun } from './CiRun.ts';
export { writeSweep } from './writeSweep.ts';
export { faultPhrase, readSweepRow, type SweepRow } from './readSweepRow.ts';
