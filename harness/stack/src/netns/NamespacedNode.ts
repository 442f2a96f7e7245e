import { runOrThrow } from '../tools/runCommand.ts';
import { namespacedCommand } from './inNamespace.ts';

/** A node of the stack with a network namespace and an address of its own on the project's bridge. */
export interface NamespacedNode {
  name: string;
  /** `ip netns` name, `fgnet<octet>-<node>`. */
  namespace: string;
  /** What nsenter and setns take: `/run/netns/<namespace>`. */
  netnsPath: string;
  /** Its IPv4 address on the bridge, reachable from the host and from the other nodes. */
  address: string;
  /** Its end of the veth pair, inside the namespace. */
  interface: string;
  /** The host's end of the veth pair, a port of the bridge. */
  hostLink: string;
  /** Runs a command to completion inside the namespace (as root), e.g. iptables or tc; throws on a non-zero exit. */
  exec(command: string, args: string[]): Promise<string>;
}

export function namespacedNode(fields: Omit<NamespacedNode, 'exec' | 'netnsPath'>): NamespacedNode {
  const netnsPath = `/run/netns/${fields.namespace}`;
  return {
    ...fields,
    netnsPath,
    exec(command, args) {
      const line = namespacedCommand(netnsPath, command, args);
      return runOrThrow(line.command, line.args);
    },
  };
}
