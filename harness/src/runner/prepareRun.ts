import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { FaultTimeline } from '@flux-gate/chaos';
import { runFileNames as files, writeRunFile } from '@flux-gate/run-format';
import { ensureStackTools } from '@flux-gate/stack';
import type { ResolvedExperiment } from '../experiment/resolveExperiment.ts';
import { buildManifest } from './manifest.ts';
import { Progress } from './progress.ts';
import type { RunContext, RunOptions } from './RunContext.ts';

/** Phase 1: the run folder with the experiment as resolved, the tools, and the manifest. */
export async function prepareRun(experiment: ResolvedExperiment, opts: RunOptions): Promise<RunContext> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const runDir = join(opts.runsDir, experiment.name, stamp);
  mkdirSync(join(runDir, files.logs), { recursive: true });
  writeRunFile(runDir, files.experiment, experiment);
  const progress = new Progress({ phase: 'setup', startedAt: Date.now() }, opts.ci);
  const log = (line: string) => progress.note(line);
  progress.start();
  progress.doing('finding Redis, PostgreSQL, Java, Kafka and Toxiproxy');
  process.stderr.write(`run folder: ${runDir}\n`);
  const tools = await ensureStackTools({ log });
  const manifest = await buildManifest({ experiment: experiment.name, seed: opts.seed, tools, cwd: opts.repo, engine: experiment.load.engine });
  writeRunFile(runDir, files.manifest, manifest);
  return { experiment, opts, runDir, progress, log, tools, manifest, timeline: new FaultTimeline(), initialStock: {}, backlog: null, drainSeconds: null, startFailed: false };
}
