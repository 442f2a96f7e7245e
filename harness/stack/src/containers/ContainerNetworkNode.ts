import { namespacedCommand } from '../netns/inNamespace.ts';
import type { NetworkNodeHandle } from '../StackProvider.ts';
import { runOrThrow } from '../tools/runCommand.ts';

/**
 * A container as a node partition faults act on: its fixed address, `eth0` inside, and commands run
 * with the host's own iptables and tc in its network namespace through `nsenter --net=/proc/<pid>/ns/net`
 * (the same back end Docker's rules use). The pid is the node's container's now: a restarted container
 * has a new namespace, without the rules the old one held; a node whose container has not started
 * yet (an API node before the system starts its instance) has none.
 */
export function containerNetworkNode(name: string, address: string, container: () => { readonly pid: number | undefined } | undefined): NetworkNodeHandle {
  const netnsPath = () => {
    const pid = container()?.pid;
    if (!pid) throw new Error(`${name} is not running: its container has no network namespace to enter`);
    return `/proc/${pid}/ns/net`;
  };
  return {
    name,
    address,
    interface: 'eth0',
    get netnsPath() {
      return netnsPath();
    },
    exec(command, args) {
      const line = namespacedCommand(netnsPath(), command, args);
      return runOrThrow(line.command, line.args);
    },
  };
}
