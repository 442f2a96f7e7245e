import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls `check` until it resolves, `abort()` returns a reason to give up, or the timeout passes.
 * Rejects with the last error seen.
 */
export async function waitFor(
  check: () => Promise<unknown>,
  options: { timeoutMs: number; intervalMs?: number; abort?: () => string | undefined },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let interval = options.intervalMs ?? 50;
  let last: unknown;
  for (;;) {
    const reason = options.abort?.();
    if (reason) throw new Error(reason);
    try {
      await check();
      return;
    } catch (err) {
      last = err;
    }
    if (Date.now() >= deadline) {
      throw new Error(`did not answer within ${(options.timeoutMs / 1000).toFixed(0)}s (last error: ${String((last as Error)?.message ?? last)})`);
    }
    await sleep(interval);
    interval = Math.min(interval * 1.5, 500);
  }
}
