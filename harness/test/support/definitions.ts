import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { ExperimentError, parseDefinition } from '../../src/experiment/loadExperiment.ts';

/** The message of a definition's refusal; fails the test when the definition is taken. */
export function refusal(raw: unknown, file = 'bad.json'): string {
  try {
    parseDefinition(raw, file);
  } catch (err) {
    expect(err).toBeInstanceOf(ExperimentError);
    return (err as Error).message;
  }
  throw new Error('expected a refusal');
}

/** Every line of a run's NDJSON file, parsed (a test reads small files whole). */
export const ndjsonLines = <T>(file: string): T[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as T);
