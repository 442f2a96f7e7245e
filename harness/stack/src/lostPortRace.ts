import { StackPartError } from './StackPartError.ts';

/** A port taken between our pick and the server's (or the engine's) bind: another stack starting beside this one. */
export function lostPortRace(err: unknown): boolean {
  const text = err instanceof StackPartError ? `${err.message}\n${err.logTail}` : String(err);
  return /address already in use|could not bind|failed to bind|bind: address|port is already allocated/i.test(text);
}
