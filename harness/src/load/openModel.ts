/** Epoch milliseconds of a performance.now() reading: the monotonic clock, placed in wall time. */
export const epochMs = (mono: number): number => Math.round((performance.timeOrigin + mono) * 1000) / 1000;

/**
 * Calls `arrive` for every arrival when it is due, on the monotonic clock, and never waits for an
 * earlier arrival to finish: the open model. A late timer fires every arrival already due at once,
 * each with the time it was due. Resolves when the last one was fired, or at once on abort.
 * `startMono` is when times[0] counts from (the engine's processes share it); 20 ms from now unless given.
 */
export function runArrivals(
  times: Float64Array,
  arrive: (n: number, dueMono: number) => void,
  signal: AbortSignal,
  startMono = performance.now() + 20,
): Promise<{ offered: number; startMono: number }> {
  let next = 0;
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const finish = () => {
      signal.removeEventListener('abort', finish);
      if (timer) clearTimeout(timer);
      resolve({ offered: next, startMono });
    };
    const tick = () => {
      const now = performance.now() - startMono;
      while (next < times.length && times[next]! <= now && !signal.aborted) {
        arrive(next, startMono + times[next]!);
        next++;
      }
      if (next >= times.length || signal.aborted) return finish();
      timer = setTimeout(tick, Math.max(0, times[next]! - (performance.now() - startMono)));
    };
    if (signal.aborted) return finish();
    signal.addEventListener('abort', finish, { once: true });
    timer = setTimeout(tick, Math.max(0, startMono - performance.now()));
  });
}
