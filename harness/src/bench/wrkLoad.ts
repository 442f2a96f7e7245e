import { fileURLToPath } from 'node:url';
import { runOrThrow } from '@flux-gate/stack';

const script = fileURLToPath(new URL('./wrkOrders.lua', import.meta.url));

export interface LoadResult {
  label: string;
  reqPerSec: number;
  /** Responses per second with status 200. */
  okPerSec: number;
  p50Ms: number;
  p99Ms: number;
  statuses: Record<string, number>;
  /** Requests that got no answer: connection, read and write errors. */
  errors: number;
  /** Of the errors, those that timed out, where the generator tells them apart. */
  timeouts?: number;
}

export interface LoadOptions {
  label: string;
  /** The wrk binary. */
  wrk: string;
  url: string;
  productId: string;
  /** Every request buys as a new user: `<prefix><thread>-<n>`. */
  userPrefix: string;
  connections: number;
  durationS: number;
}

/** What wrkOrders.lua prints when wrk is done. */
interface WrkResult {
  requests: number;
  durationUs: number;
  p50Us: number;
  p99Us: number;
  statuses: Record<string, number>;
  errors: { connect: number; read: number; write: number; timeout: number };
}

/**
 * One wrk run of POST /order on loopback, as fast as the answers come, on a fixed number of
 * keep-alive connections: a fixed-cost generator (C, one thread), bounded in time. Each request
 * buys as a new user; every status is counted.
 */
export async function wrkLoad(opts: LoadOptions): Promise<LoadResult> {
  const stdout = await runOrThrow(opts.wrk, [
    '--threads', '1',
    '--connections', String(opts.connections),
    '--duration', `${opts.durationS}s`,
    '--timeout', '5s',
    '--script', script,
    opts.url,
    '--', opts.productId, opts.userPrefix,
  ]);
  const line = stdout.split('\n').find((l) => l.startsWith('wrk-result '));
  if (!line) throw new Error(`wrk printed no result for ${opts.label}:\n${stdout}`);
  const r = JSON.parse(line.slice('wrk-result '.length)) as WrkResult;
  const seconds = r.durationUs / 1e6;
  return {
    label: opts.label,
    reqPerSec: r.requests / seconds,
    okPerSec: (r.statuses['200'] ?? 0) / seconds,
    p50Ms: r.p50Us / 1000,
    p99Ms: r.p99Us / 1000,
    statuses: r.statuses,
    errors: r.errors.connect + r.errors.read + r.errors.write,
    timeouts: r.errors.timeout,
  };
}
