import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Experiment } from './experimentSchema.ts';

const k6Dir = fileURLToPath(new URL('../../../scenarios/k6/', import.meta.url));

export interface K6Run {
  k6: string;
  load: Experiment['load'];
  thresholds: Experiment['thresholds'];
  apiUrls: string[];
  productIds: string[];
  seed: number;
  round: number;
  /** Each request's outcome is written here, one JSON line each. */
  historyFile: string;
  summaryFile: string;
  logFile: string;
  signal: AbortSignal;
}

/** Runs one k6 scenario to completion; resolves with k6's exit code (99 = thresholds crossed). */
export async function runK6(run: K6Run): Promise<number> {
  const l = run.load;
  const env = {
    API_URLS: run.apiUrls.join(','),
    PRODUCTS: run.productIds.join(','),
    SEED: String(run.seed),
    ROUND: String(run.round),
    USERS: String(l.users),
    RATE: String(l.rate),
    RAMP_UP_S: String(l.rampUp / 1000),
    DURATION_S: String(l.duration / 1000),
    TIMEOUT_MS: String(l.timeout),
    RETRIES: String(l.retries),
    MAX_VUS: String(l.maxVUs),
    SUMMARY_PATH: run.summaryFile,
    THRESHOLD_ERROR_RATE: String(run.thresholds.errorRate),
    THRESHOLD_P99_MS: String(run.thresholds.p99Ms),
  };
  const args = ['run', '--quiet', '--no-usage-report', '--console-output', run.historyFile, '--log-format', 'raw'];
  for (const [k, v] of Object.entries(env)) args.push('-e', `${k}=${v}`);
  args.push(`${k6Dir}${l.script}`);
  const fd = openSync(run.logFile, 'a');
  const child = spawn(run.k6, args, { stdio: ['ignore', fd, fd], env: { ...process.env, K6_NO_USAGE_REPORT: 'true' } });
  closeSync(fd);
  const abort = () => child.kill('SIGINT');
  run.signal.addEventListener('abort', abort, { once: true });
  try {
    const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    return code ?? (signal ? 130 : 1);
  } finally {
    run.signal.removeEventListener('abort', abort);
  }
}
