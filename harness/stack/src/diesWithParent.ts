import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

let setpriv: string | null | undefined;

/**
 * The command line that runs `command` so that the kernel sends it `signal` when the process that
 * spawned it dies, however it dies (kill -9 too): util-linux's `setpriv --pdeathsig`, which then
 * execs the command (same pid). Where setpriv is missing, the command as it is.
 */
export function diesWithParent(command: string, args: string[], signal: 'KILL' | 'TERM' = 'KILL'): { command: string; args: string[] } {
  setpriv ??= (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'setpriv')).find((file) => existsSync(file)) ?? null;
  return setpriv ? { command: setpriv, args: [`--pdeathsig=${signal}`, '--', command, ...args] } : { command, args };
}
