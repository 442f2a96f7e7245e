import type { ProcessSpec } from '../ManagedProcess.ts';

/**
 * The command line that runs `command` in the network namespace at `netnsPath` (`/run/netns/<name>`,
 * or a container's `/proc/<pid>/ns/net`): `nsenter --net=…`, which execs the command (same pid), and,
 * for a user, `setpriv` after entering (entering needs root). setpriv sets the parent-death signal
 * again after the user change, as the kernel clears it on any change of credentials.
 */
export function namespacedCommand(netnsPath: string, command: string, args: string[], user?: { uid: number; gid?: number }): { command: string; args: string[] } {
  const asUser = user ? ['setpriv', `--reuid=${user.uid}`, `--regid=${user.gid ?? user.uid}`, '--clear-groups', '--pdeathsig=KILL', '--'] : [];
  return { command: 'nsenter', args: [`--net=${netnsPath}`, '--', ...asUser, command, ...args] };
}

/**
 * The spec of a process that runs in a network namespace: the same process, started by nsenter as
 * root (ManagedProcess wraps it in `setpriv --pdeathsig` as every other), as the spec's user if it names one.
 */
export function inNamespace(spec: ProcessSpec, netnsPath: string): ProcessSpec {
  const { uid, gid, ...rest } = spec;
  return { ...rest, ...namespacedCommand(netnsPath, spec.command, spec.args, uid === undefined ? undefined : { uid, gid }) };
}
