import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runFileNames as files, type Manifest, type Results } from '@flux-gate/run-format';
import type { Experiment } from './experimentSchema.ts';
import { ExperimentError, parseDefinition } from './loadExperiment.ts';

/** A stored run as replay and shrink read it: the resolved experiment, the seed, and the results if it finished. */
export interface StoredRun {
  dir: string;
  experiment: Experiment;
  seed: number;
  results: Results | null;
}

/** Reads a run folder's experiment.json (validated like any experiment file), its manifest's seed and its results. */
export function readStoredRun(folder: string): StoredRun {
  const dir = resolve(folder);
  const [experimentFile, manifestFile, resultsFile] = [join(dir, files.experiment), join(dir, files.manifest), join(dir, files.results)];
  if (!existsSync(experimentFile) || !existsSync(manifestFile)) {
    throw new ExperimentError(`${folder} is not a run folder (no ${files.experiment} and ${files.manifest}). List runs with: ls runs/*/`);
  }
  const { seed } = JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest;
  const definition = parseDefinition(JSON.parse(readFileSync(experimentFile, 'utf8')), experimentFile);
  if (definition.kind !== 'experiment') throw new ExperimentError(`${experimentFile} holds a canary, not one run's experiment`);
  const results = existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as Results) : null;
  return { dir, experiment: definition.experiment, seed, results };
}
