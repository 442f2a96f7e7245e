import type { StackNode } from '../StackTopology.ts';

/**
 * The node that listens at host:port for the given purpose: the exact address first, then the port
 * alone when only one node has it (a store may answer with an address the topology names differently,
 * e.g. 127.0.0.1 for localhost).
 */
export function endpointOwner(nodes: readonly StackNode[], purpose: string, host: string, port: number): string | undefined {
  const onPort = nodes.filter((n) => n.ports[purpose] === port);
  return (onPort.find((n) => n.host === host) ?? (onPort.length === 1 ? onPort[0] : undefined))?.name;
}
