import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { classifyAnswer, type HistoryEntry, type LoadSummary, NdjsonWriter, readNdjson, type TransportError } from '@flux-gate/run-format';
import { diesWithParent, which } from '@flux-gate/stack';
import { type LoadEngine, LoadEngineError } from './LoadEngine.ts';
import { pinnedTo } from './pinnedTo.ts';
import { whyNotSplit } from './segment.ts';

const script = fileURLToPath(new URL('../../../scenarios/k6/flash-sale.js', import.meta.url));

/** A raw line of the k6 script: what it saw, before the harness classifies it. */
type K6Line = Omit<HistoryEntry, 'outcome' | 'error' | 'orderId'> & { orderId?: string; bodyError?: string; transport?: TransportError; dropped?: boolean };

/** The user's own k6: $K6_BIN, else k6 on PATH. The project never fetches, builds or installs k6. */
export async function findK6(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (env.K6_BIN) {
    if (!existsSync(env.K6_BIN)) throw new LoadEngineError(`K6_BIN is ${env.K6_BIN}, which does not exist`);
    return env.K6_BIN;
  }
  const onPath = await which('k6');
  if (onPath) return onPath;
  throw new LoadEngineError(
    'the k6 engine needs a k6 binary you installed yourself, and none was found (K6_BIN is unset and k6 is not on PATH). ' +
      'Get k6 from Grafana (https://grafana.com/docs/k6/latest/set-up/install-k6/), then set K6_BIN=/path/to/k6; or run with --engine builtin.',
  );
}

/**
 * Runs scenarios/k6/flash-sale.js on the user's k6. The script prints what each request saw; each
 * line is classified here by the same classifyAnswer as the built-in engine's, then appended to the history.
 */
export const k6Engine: LoadEngine = {
  name: 'k6',
  async run(plan, { historyFile, signal, log, logFile, cpus }) {
    if (plan.workload !== 'http') throw new LoadEngineError('the k6 engine drives HTTP buyers only; a Kafka-side workload runs on the built-in engine');
    const unsplit = whyNotSplit({ engine: 'k6', ...plan }, plan.processes ?? 1);
    if (unsplit) throw new LoadEngineError(unsplit);
    const k6 = await findK6();
    const work = mkdtempSync(join(tmpdir(), 'flux-gate-k6-'));
    const raw = join(work, 'raw.ndjson');
    const env: Record<string, string> = {
      API_URLS: plan.apiUrls.join(','),
      PRODUCTS: plan.products.join(','),
      SEED: String(plan.seed),
      ROUND: String(plan.round),
      USERS: String(plan.users),
      START_RATE: String(plan.startRate),
      STAGES: plan.stages.map((s) => `${s.rate}:${s.durationMs}`).join(','),
      TIMEOUT_MS: String(plan.timeoutMs),
      RETRIES: String(plan.retries),
      BACKOFF_BASE_MS: String(plan.backoff.baseMs),
      BACKOFF_MAX_MS: String(plan.backoff.maxMs),
      MAX_IN_FLIGHT: String(plan.maxInFlight),
    };
    const args = ['run', '--quiet', '--no-usage-report', '--no-summary', '--console-output', raw, '--log-format', 'raw'];
    for (const [k, v] of Object.entries(env)) args.push('-e', `${k}=${v}`);
    args.push(script);
    const fd = openSync(logFile, 'a');
    const pinned = await pinnedTo(cpus, k6, args);
    const line = diesWithParent(pinned.command, pinned.args); // ends with the harness, however the harness ends
    const child = spawn(line.command, line.args, { stdio: ['ignore', fd, fd], env: { ...process.env, K6_NO_USAGE_REPORT: 'true' } });
    closeSync(fd);
    log(`load: k6 at ${k6} (pid ${child.pid})${cpus === undefined ? '' : `, pinned to CPUs ${cpus}`}`);
    const stop = () => child.kill('SIGINT');
    signal.addEventListener('abort', stop, { once: true });
    const startedAt = Date.now();
    try {
      const [code] = (await once(child, 'exit')) as [number | null];
      if (code !== 0 && !signal.aborted) throw new LoadEngineError(`k6 exited with ${code}; see ${logFile}`);
      const out = new NdjsonWriter(historyFile);
      const summary: LoadSummary = { engine: 'k6', workload: 'http', offered: 0, started: 0, dropped: 0, retries: 0, cpuMs: 0, wallMs: Date.now() - startedAt, aborted: signal.aborted };
      if (existsSync(raw)) {
        for await (const line of readNdjson<K6Line>(raw)) {
          const { bodyError, transport, dropped, orderId, ...rest } = line;
          if (dropped) {
            summary.offered++;
            summary.dropped++;
            out.write({ ...rest, status: 0, outcome: 'dropped', error: 'in_flight_cap' } satisfies HistoryEntry);
            continue;
          }
          if (rest.attempt === 1) (summary.offered++, summary.started++);
          else summary.retries++;
          const c = classifyAnswer(rest.status === 0 ? { status: 0, transport: transport ?? 'other' } : { status: rest.status, body: { orderId, error: bodyError } });
          out.write({ ...rest, outcome: c.outcome, ...(c.orderId ? { orderId: c.orderId } : {}), ...(c.error ? { error: c.error } : {}) } satisfies HistoryEntry);
        }
      }
      out.close();
      return summary;
    } finally {
      signal.removeEventListener('abort', stop);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      rmSync(work, { recursive: true, force: true });
    }
  },
};
