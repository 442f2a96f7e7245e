import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadSummary } from '@flux-gate/run-format';
import { diesWithParent, recordOwned } from '@flux-gate/stack';
import { type LoadEngine, LoadEngineError } from './LoadEngine.ts';
import { pinnedTo } from './pinnedTo.ts';
import type { LoadJob } from './LoadJob.ts';
import { LineMerger } from './LineMerger.ts';
import { loadDeadlineMs } from './loadDeadline.ts';
import { mergeSummaries } from './mergeSummaries.ts';
import { whyNotSplit } from './segment.ts';

const entry = fileURLToPath(new URL('./loadProcess.ts', import.meta.url));

/** The most processes one engine starts (experimentSchema's bound on load.processes). */
export const maxLoadProcesses = 16;
/** How often the processes' histories are merged into the run's, while they run. */
const mergeEveryMs = 100;
/** Once every process is ready, the next phase starts this long after, so that each has the message by then. */
const meetingMarginMs = 100;
/** A process stopped with SIGTERM that has not exited after this is killed. */
const stopGraceMs = 10_000;

/**
 * The default engine: an open-model generator on undici (HTTP) or @platformatic/kafka (records), in
 * processes of its own (`plan.processes`, 1 unless told), so that its CPU is its own and it never
 * shares an event loop with the harness. Process i sends arrivals n with n mod N = i of the one
 * seeded schedule (segment.ts), with its share of the in-flight cap and the connections; the
 * processes meet before the pre-sale browsing and before the sale, so they start each together.
 * Each writes its own history; they are merged into `historyFile` (and `queueFile`) every 100 ms
 * while they run. Every process is stopped on abort, when another fails, and at loadDeadlineMs.
 */
export const builtinEngine: LoadEngine = {
  name: 'builtin',
  async run(plan, { historyFile, queueFile, signal, log, logFile, cpus }) {
    const count = plan.processes ?? 1;
    if (!Number.isInteger(count) || count < 1 || count > maxLoadProcesses) {
      throw new LoadEngineError(`the built-in engine runs 1 to ${maxLoadProcesses} processes; the plan asks for ${count}`);
    }
    const unsplit = whyNotSplit({ engine: 'builtin', ...plan }, count);
    if (unsplit) throw new LoadEngineError(unsplit);
    const work = mkdtempSync(join(tmpdir(), 'flux-gate-load-'));
    const forgetWork = recordOwned({ kind: 'folder', name: 'load', path: work });
    const jobs = Array.from({ length: count }, (_, index): LoadJob & { file: string } => ({
      file: join(work, `job-${index}.json`),
      plan,
      segment: { index, count },
      historyFile: join(work, `history-${index}.ndjson`),
      summaryFile: join(work, `summary-${index}.json`),
      ...(queueFile ? { queueFile: join(work, `queue-${index}.ndjson`) } : {}),
    }));
    for (const { file, ...job } of jobs) {
      writeFileSync(file, JSON.stringify(job));
      writeFileSync(job.historyFile, '');
      if (job.queueFile) writeFileSync(job.queueFile, '');
    }
    const history = new LineMerger(jobs.map((j) => j.historyFile), historyFile);
    const queue = queueFile ? new LineMerger(jobs.map((j) => j.queueFile!), queueFile) : undefined;
    const merging = setInterval(() => {
      history.drain();
      queue?.drain();
    }, mergeEveryMs);

    const fd = openSync(logFile, 'a');
    const children: ChildProcess[] = [];
    const running = (c: ChildProcess) => c.exitCode === null && c.signalCode === null;
    let killer: NodeJS.Timeout | undefined;
    let stopping = false;
    // SIGTERM: a process stops sending and writes what happened; one that has not exited after the grace is killed.
    const stopAll = () => {
      stopping = true;
      for (const c of children) if (running(c)) c.kill('SIGTERM');
      killer ??= setTimeout(() => children.forEach((c) => running(c) && c.kill('SIGKILL')), stopGraceMs);
    };
    const readyAt = new Map<number, number>();
    const onReady = (m: { ready?: unknown }) => {
      if (typeof m?.ready !== 'number') return;
      const ready = (readyAt.get(m.ready) ?? 0) + 1;
      readyAt.set(m.ready, ready);
      if (ready < count) return;
      const at = Date.now() + meetingMarginMs;
      for (const c of children) if (c.connected) c.send({ meeting: m.ready, at });
    };
    let failure: string | undefined;
    let overran = false;
    const deadlineMs = loadDeadlineMs(plan);
    const deadline = setTimeout(() => {
      overran = true;
      log(`load: the engine ran past its bound of ${Math.round(deadlineMs / 1000)} s; stopping its processes`);
      stopAll();
    }, deadlineMs);
    const stop = () => stopAll();
    signal.addEventListener('abort', stop, { once: true });
    try {
      try {
        for (const job of jobs) {
          // Ends with the harness, however the harness ends; on the given CPUs only, when given.
          const pinned = await pinnedTo(cpus, process.execPath, ['--import', 'tsx', entry, job.file]);
          const line = diesWithParent(pinned.command, pinned.args);
          const child = spawn(line.command, line.args, { stdio: ['ignore', fd, fd, 'ipc'] });
          child.on('message', onReady);
          children.push(child);
        }
      } finally {
        closeSync(fd);
      }
      log(`load: built-in engine, ${plan.workload}, ${count === 1 ? `pid ${children[0]!.pid}` : `${count} processes (pids ${children.map((c) => c.pid).join(', ')})`}${cpus === undefined ? '' : `, pinned to CPUs ${cpus}`}`);
      await Promise.all(
        children.map(async (child, i) => {
          const [code, killedBy] = (await once(child, 'exit').catch((err: Error) => [err.message, null])) as [number | string | null, NodeJS.Signals | null];
          // A process stopped before it could handle the signal (still loading) sent nothing: no failure.
          if (code === 0 || failure || (stopping && killedBy !== null)) return;
          failure = `the built-in load engine${count > 1 ? `'s process ${i + 1} of ${count}` : ''} exited with ${code ?? killedBy}; see ${logFile}`;
          stopAll();
        }),
      );
      if (failure) throw new LoadEngineError(failure);
      const summaries = jobs.map((j): LoadSummary => {
        if (existsSync(j.summaryFile)) return JSON.parse(readFileSync(j.summaryFile, 'utf8')) as LoadSummary;
        if (stopping) return { engine: 'builtin', workload: plan.workload, offered: 0, started: 0, dropped: 0, retries: 0, cpuMs: 0, wallMs: 0, aborted: true };
        throw new LoadEngineError(`the built-in load engine's process ${j.segment.index + 1} of ${count} wrote no summary; see ${logFile}`);
      });
      if (overran) throw new Error(`the load engine ran past its bound of ${Math.round(deadlineMs / 1000)} s and was stopped; see ${logFile}`);
      return mergeSummaries(summaries);
    } finally {
      signal.removeEventListener('abort', stop);
      clearTimeout(deadline);
      clearTimeout(killer);
      for (const c of children) if (running(c)) c.kill('SIGKILL');
      clearInterval(merging);
      history.close();
      queue?.close();
      rmSync(work, { recursive: true, force: true });
      forgetWork();
    }
  },
};
