export { summarizeRun, type RunSummary } from './summarizeRun.ts';
export { writeReport } from './writeReport.ts';
export { writeComparison } from './writeComparison.ts';
export type { Comparison, FigureRow, CheckRow } from './compareRuns.ts';
