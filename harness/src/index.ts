export * from './checkers/index.ts';
export { runExperiment, type RunOptions, type RunOutcome } from './runner/runExperiment.ts';
export { loadDefinition, parseDefinition, listExperiments, ExperimentError, type Definition } from './experiment/loadExperiment.ts';
export { engines, engineNames, type EngineName } from './load/engines.ts';
