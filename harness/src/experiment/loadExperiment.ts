import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { faultSpecSchema } from '@flux-gate/chaos';
import { type Canary, canarySchema, caseExperiment } from './canarySchema.ts';
import { type Experiment, experimentSchema } from './experimentSchema.ts';
import { kernelHasNetem, noNetemMessage } from './kernelHasNetem.ts';

/** The folder of named experiments. */
export const experimentsDir = fileURLToPath(new URL('../../../scenarios/experiments/', import.meta.url));

/** A bad experiment file or name; the message names the field or lists the known names. */
export class ExperimentError extends Error {
  override name = 'ExperimentError';
}

export type Definition = { kind: 'experiment'; experiment: Experiment } | { kind: 'canary'; canary: Canary };

/** Every known experiment with its one-line description. */
export function listExperiments(dir = experimentsDir): { name: string; description: string }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const raw = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { description?: string };
      return { name: basename(f, '.json'), description: raw.description ?? '' };
    });
}

/** A refusal naming each bad field, as `path.to.field: problem`; `prefix` places nested issues. */
function refusal(error: z.ZodError, file: string, prefix = ''): ExperimentError {
  const lines = error.issues.map((i) => `  - ${[prefix, ...i.path].filter((p) => p !== '').join('.') || '(top level)'}: ${i.message}`);
  return new ExperimentError(`${file} is not a valid experiment:\n${lines.join('\n')}`);
}

function checkFaults(experiment: Experiment, file: string, prefix = ''): void {
  if (!Array.isArray(experiment.faults)) return; // generated faults are drawn valid (generateFaults)
  experiment.faults.forEach((f, i) => {
    const parsed = faultSpecSchema.safeParse(f.fault);
    if (!parsed.success) throw refusal(parsed.error, file, `${prefix}faults.${i}.fault`);
    if (parsed.data.kind === 'netem' && !kernelHasNetem()) throw new ExperimentError(`${file} is not a valid experiment:\n  - ${prefix}faults.${i}.fault.kind: ${noNetemMessage}`);
  });
}

/** Fields of the k6-only load schema, each with the word an old file needs. */
const removedLoadFields: Record<string, string> = {
  script: 'removed: the built-in engine needs no script; drop it (or set load.engine to "k6" to run scenarios/k6/flash-sale.js on a k6 you installed)',
  maxVUs: 'removed: use load.maxInFlight, the arrivals outstanding at once (an arrival beyond it is dropped and recorded)',
};

/** Refuses experiment files written for the k6-only schema, naming the field that replaces each old one. */
function refuseRemovedFields(raw: object, file: string): void {
  const loads: [string, unknown][] = [['load', (raw as { load?: unknown }).load]];
  const cases = (raw as { cases?: unknown }).cases;
  if (Array.isArray(cases)) cases.forEach((c, i) => loads.push([`cases.${i}.experiment.load`, (c as { experiment?: { load?: unknown } })?.experiment?.load]));
  const lines = loads.flatMap(([path, load]) =>
    load && typeof load === 'object' ? Object.keys(load).filter((k) => k in removedLoadFields).map((k) => `  - ${path}.${k}: ${removedLoadFields[k]}`) : [],
  );
  if (lines.length) throw new ExperimentError(`${file} is not a valid experiment:\n${lines.join('\n')}`);
}

/** Validates raw JSON as an experiment or a canary. */
export function parseDefinition(raw: unknown, file: string): Definition {
  if (raw && typeof raw === 'object') refuseRemovedFields(raw, file);
  if (raw && typeof raw === 'object' && 'cases' in raw) {
    const parsed = canarySchema.safeParse(raw);
    if (!parsed.success) throw refusal(parsed.error, file);
    parsed.data.cases.forEach((c, i) => checkFaults(c.experiment, file, `cases.${i}.experiment.`));
    return { kind: 'canary', canary: parsed.data };
  }
  const parsed = experimentSchema.safeParse(raw);
  if (!parsed.success) throw refusal(parsed.error, file);
  checkFaults(parsed.data, file);
  return { kind: 'experiment', experiment: parsed.data };
}

/** Loads a named experiment (or a path to a JSON file) and validates it before anything starts. */
export function loadDefinition(nameOrPath: string, dir = experimentsDir): Definition {
  const file = nameOrPath.endsWith('.json') ? nameOrPath : join(dir, `${nameOrPath}.json`);
  if (!existsSync(file)) {
    const planted = canaryCase(nameOrPath, dir);
    if (planted) return { kind: 'experiment', experiment: planted };
    const known = listExperiments(dir)
      .map((e) => e.name)
      .join(', ');
    throw new ExperimentError(`unknown experiment '${nameOrPath}'. Known: ${known}. See: npm run experiment -- --list`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ExperimentError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  return parseDefinition(raw, file);
}

/** A canary case's experiment by its name (e.g. canary-double-give-back), with its bug on, as the canary runs it. */
function canaryCase(name: string, dir: string): Experiment | undefined {
  const file = join(dir, 'canary.json');
  if (!name.startsWith('canary-') || !existsSync(file)) return undefined;
  const d = parseDefinition(JSON.parse(readFileSync(file, 'utf8')), file);
  const found = d.kind === 'canary' ? d.canary.cases.find((c) => c.experiment.name === name) : undefined;
  return found && caseExperiment(found);
}

/** Scales load and stock by a factor (for runs larger than CI size). */
export function scaleExperiment(experiment: Experiment, factor: number): Experiment {
  if (factor === 1) return experiment;
  return {
    ...experiment,
    system: {
      ...experiment.system,
      ...(experiment.system.products ? { products: experiment.system.products.map((p) => ({ ...p, stock: Math.round(p.stock * factor) })) } : {}),
      ...(experiment.system.productSet
        ? { productSet: { ...experiment.system.productSet, stock: { min: Math.max(1, Math.round(experiment.system.productSet.stock.min * factor)), max: Math.max(1, Math.round(experiment.system.productSet.stock.max * factor)) } } }
        : {}),
    },
    load: {
      ...experiment.load,
      rate: Math.min(50_000, experiment.load.rate * factor),
      users: Math.round(experiment.load.users * factor),
      maxInFlight: Math.min(20_000, Math.round(experiment.load.maxInFlight * Math.max(1, factor))),
    },
  };
}
