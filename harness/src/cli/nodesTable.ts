import type { ProcessHandle, StackNode } from '@flux-gate/stack';
import { table } from './table.ts';

/** Every node with its roles, address and ports, the seconds it took to answer and its pid. */
export function nodesTable(nodes: (StackNode & { readySeconds: number })[], processes: Record<string, ProcessHandle | undefined>): string {
  return table([
    ['node', 'roles', 'address', 'ports', 'ready', 'pid'],
    ...nodes.map((n) => [
      n.name,
      n.roles.join(','),
      n.host,
      Object.entries(n.ports)
        .map(([purpose, port]) => `${purpose} ${port}`)
        .join(', '),
      `${n.readySeconds.toFixed(1)}s`,
      String(processes[n.name]?.pid ?? ''),
    ]),
  ]);
}
