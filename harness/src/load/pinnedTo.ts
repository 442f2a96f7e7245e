import { which } from '@flux-gate/stack';
import { LoadEngineError } from './LoadEngine.ts';

/** A CPU list as `taskset -c` takes it: CPU numbers and ranges, comma-separated ("0", "0,2-3"). */
export const cpuListPattern = /^\d+(-\d+)?(,\d+(-\d+)?)*$/;

/**
 * The command line that runs `command` on the given CPUs only, through util-linux's `taskset -c`
 * (which then execs the command, same pid); the command as it is when `cpus` is undefined. Throws a
 * LoadEngineError when taskset is not on PATH.
 */
export async function pinnedTo(cpus: string | undefined, command: string, args: string[]): Promise<{ command: string; args: string[] }> {
  if (cpus === undefined) return { command, args };
  const taskset = await which('taskset');
  if (!taskset) throw new LoadEngineError(`pinning the load engine to CPUs ${cpus} needs util-linux's taskset on PATH (apt-get install util-linux), or run without --engine-cpus`);
  return { command: taskset, args: ['-c', cpus, command, ...args] };
}
