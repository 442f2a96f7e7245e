import { StackPartError } from './StackPartError.ts';

/** A port taken between our pick and the server's (or the engine's) bind: another stack starting beside this one. */
export function lostPortRace(err: unknown): boolean {
  const text = err instanceof StackPartError ? `${err.message}\n${err.logTail}` : String(err);
  return /address already in use|could not bind|failed to bind|bind: address|port is already allocated/i.test(text);
}

/**
 * Runs `start` up to three times while it fails only because a port it picked was taken meanwhile
 * (lostPortRace); any other error, or an abort, is thrown at once.
 */
export async function retryOnPortRace<T>(start: () => Promise<T>, signal: AbortSignal | undefined, log: (line: string) => void): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (err) {
      if (attempt >= 3 || signal?.aborted || !lostPortRace(err)) throw err;
      log(`  a port was taken by another process during start; starting again (attempt ${attempt + 1})`);
    }
  }
}
