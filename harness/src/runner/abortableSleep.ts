import { setTimeout as sleep } from 'node:timers/promises';

/** Sleeps, but wakes early (without throwing) when the signal aborts. */
export async function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  await sleep(ms, undefined, { signal }).catch(() => undefined);
}
