/**
 * The built-in engine's own process: `node --import tsx loadProcess.ts <plan.json> <history file> <summary file> [<queue file>]`.
 * It runs the plan, appends history, and writes its LoadSummary. SIGINT or SIGTERM stops the
 * sending; what happened so far is written before it exits.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { type LoadSummary, NdjsonWriter } from '@flux-gate/run-format';
import { httpLoad } from './httpLoad.ts';
import { kafkaLoad } from './kafkaLoad.ts';
import type { LoadPlan } from './LoadPlan.ts';

const [planFile, historyFile, summaryFile, queueFile] = process.argv.slice(2);
if (!planFile || !historyFile || !summaryFile) {
  process.stderr.write('usage: loadProcess.ts <plan.json> <history file> <summary file> [<queue file>]\n');
  process.exit(2);
}
const plan = JSON.parse(readFileSync(planFile, 'utf8')) as LoadPlan;
const abort = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => abort.abort());

const out = new NdjsonWriter(historyFile);
const queueOut = queueFile ? new NdjsonWriter(queueFile) : undefined;
const cpuBefore = process.cpuUsage();
try {
  const result = plan.workload === 'http' ? await httpLoad(plan, out, abort.signal, queueOut) : await kafkaLoad(plan, out, abort.signal);
  const cpu = process.cpuUsage(cpuBefore);
  const summary: LoadSummary = { engine: 'builtin', workload: plan.workload, ...result, cpuMs: Math.round((cpu.user + cpu.system) / 1000), aborted: abort.signal.aborted };
  out.close();
  queueOut?.close();
  writeFileSync(summaryFile, `${JSON.stringify(summary, null, 2)}\n`);
  process.exit(0);
} catch (err) {
  out.close();
  queueOut?.close();
  process.stderr.write(`load failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
}
