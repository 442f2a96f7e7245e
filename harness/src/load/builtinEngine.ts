import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadSummary } from '@flux-gate/run-format';
import { diesWithParent, recordOwned } from '@flux-gate/stack';
import { type LoadEngine, LoadEngineError } from './LoadEngine.ts';
import { pinnedTo } from './pinnedTo.ts';

const entry = fileURLToPath(new URL('./loadProcess.ts', import.meta.url));

/**
 * The default engine: an open-model generator on undici (HTTP) or @platformatic/kafka (records), in a process
 * of its own, so that its CPU is its own and it never shares an event loop with the harness.
 */
export const builtinEngine: LoadEngine = {
  name: 'builtin',
  async run(plan, { historyFile, queueFile, signal, log, logFile, cpus }) {
    const work = mkdtempSync(join(tmpdir(), 'flux-gate-load-'));
    const forgetWork = recordOwned({ kind: 'folder', name: 'load', path: work });
    const planFile = join(work, 'plan.json');
    const summaryFile = join(work, 'summary.json');
    writeFileSync(planFile, JSON.stringify(plan));
    const fd = openSync(logFile, 'a');
    // Ends with the harness, however the harness ends; on the given CPUs only, when given.
    const pinned = await pinnedTo(cpus, process.execPath, ['--import', 'tsx', entry, planFile, historyFile, summaryFile, ...(queueFile ? [queueFile] : [])]);
    const line = diesWithParent(pinned.command, pinned.args);
    const child = spawn(line.command, line.args, { stdio: ['ignore', fd, fd] });
    closeSync(fd);
    const stop = () => child.kill('SIGTERM');
    signal.addEventListener('abort', stop, { once: true });
    log(`load: built-in engine (pid ${child.pid}), ${plan.workload}${cpus === undefined ? '' : `, pinned to CPUs ${cpus}`}`);
    try {
      const [code, killedBy] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
      if (code !== 0 || !existsSync(summaryFile)) {
        throw new LoadEngineError(`the built-in load engine exited with ${code ?? killedBy}; see ${logFile}`);
      }
      return JSON.parse(readFileSync(summaryFile, 'utf8')) as LoadSummary;
    } finally {
      signal.removeEventListener('abort', stop);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      rmSync(work, { recursive: true, force: true });
      forgetWork();
    }
  },
};
