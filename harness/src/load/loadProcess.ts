/**
 * One process of the built-in engine: `node --import tsx loadProcess.ts <job.json>` (a LoadJob). It
 * runs its segment of the plan, appends its history, and writes its LoadSummary. With an IPC channel
 * (the engine's processes have one) it meets the other processes before browsing and before the sale:
 * it sends `{ ready: i }` and starts at the epoch time `at` of the `{ meeting: i, at }` it gets back;
 * alone, it starts at once. SIGINT or SIGTERM stops the sending; what happened so far is written
 * before it exits.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { type LoadSummary, NdjsonWriter } from '@flux-gate/run-format';
import { httpLoad } from './httpLoad.ts';
import { kafkaLoad } from './kafkaLoad.ts';
import type { LoadJob, StartTogether } from './LoadJob.ts';

const [jobFile] = process.argv.slice(2);
if (!jobFile) {
  process.stderr.write('usage: loadProcess.ts <job.json>\n');
  process.exit(2);
}
const { plan, segment, historyFile, summaryFile, queueFile } = JSON.parse(readFileSync(jobFile, 'utf8')) as LoadJob;
const abort = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => abort.abort());

let meetings = 0;
const startTogether: StartTogether = () => {
  const meeting = meetings++;
  const send = process.send?.bind(process);
  if (!send || abort.signal.aborted) return Promise.resolve(performance.now() + 20);
  return new Promise((resolve) => {
    const done = (startMono: number) => {
      process.off('message', onMessage);
      abort.signal.removeEventListener('abort', onAbort);
      resolve(startMono);
    };
    const onMessage = (m: { meeting?: number; at?: number }) => {
      if (m.meeting === meeting && typeof m.at === 'number') done(m.at - performance.timeOrigin);
    };
    const onAbort = () => done(performance.now());
    process.on('message', onMessage);
    abort.signal.addEventListener('abort', onAbort, { once: true });
    send({ ready: meeting });
  });
};

const out = new NdjsonWriter(historyFile);
const queueOut = queueFile ? new NdjsonWriter(queueFile) : undefined;
const cpuBefore = process.cpuUsage();
const here = { segment, startTogether };
try {
  const result = plan.workload === 'http' ? await httpLoad(plan, out, abort.signal, here, queueOut) : await kafkaLoad(plan, out, abort.signal, here);
  const cpu = process.cpuUsage(cpuBefore);
  const summary: LoadSummary = { engine: 'builtin', workload: plan.workload, ...result, cpuMs: Math.round((cpu.user + cpu.system) / 1000), aborted: abort.signal.aborted };
  out.close();
  queueOut?.close();
  writeFileSync(summaryFile, `${JSON.stringify(summary, null, 2)}\n`);
  process.exit(0);
} catch (err) {
  out.close();
  queueOut?.close();
  process.stderr.write(`load failed (segment ${segment.index + 1} of ${segment.count}): ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
}
