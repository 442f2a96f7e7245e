import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls `check` until it resolves, `abort()` returns a reason to give up, or the timeout passes.
 * Rejects with the last error seen.
 *
 * A check that hangs does not hold the wait: `abort()` is still asked every interval and the
 * deadline still holds while a check is pending. (A port can accept a connection and never answer:
 * a server that failed to bind leaves its port to whoever took it.)
 */
export async function waitFor(
  check: () => Promise<unknown>,
  options: { timeoutMs: number; intervalMs?: number; abort?: () => string | undefined },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  const pollMs = options.intervalMs ?? 50;
  let interval = pollMs;
  let last: unknown;
  const timedOut = () => new Error(`did not answer within ${(options.timeoutMs / 1000).toFixed(0)}s (last error: ${String((last as Error)?.message ?? last)})`);
  for (;;) {
    const reason = options.abort?.();
    if (reason) throw new Error(reason);
    const attempt = check().then(
      () => true,
      (err: unknown) => {
        last = err;
        return false;
      },
    );
    let passed: boolean | undefined;
    while ((passed = await Promise.race([attempt, sleep(pollMs).then(() => undefined)])) === undefined) {
      const giveUp = options.abort?.();
      if (giveUp) throw new Error(giveUp);
      if (Date.now() >= deadline) {
        last ??= new Error('the last check had not finished');
        throw timedOut();
      }
    }
    if (passed) return;
    if (Date.now() >= deadline) throw timedOut();
    await sleep(interval);
    interval = Math.min(interval * 1.5, 500);
  }
}
