import type { ProcessHandle, StackNode } from '@flux-gate/stack';
import { table } from './table.ts';

/**
 * Every node with its roles, address, ports and network namespace, the seconds it took to answer
 * and its pid. A node the system starts (an API node) shows its process's readiness once it runs.
 */
export function nodesTable(nodes: (StackNode & { readySeconds?: number })[], processes: Record<string, (ProcessHandle & { readySeconds?: number }) | undefined>): string {
  return table([
    ['node', 'roles', 'address', 'ports', 'netns', 'ready', 'pid'],
    ...nodes.map((n) => {
      const ready = n.readySeconds ?? processes[n.name]?.readySeconds;
      return [
        n.name,
        n.roles.join(','),
        n.host,
        Object.entries(n.ports)
          .map(([purpose, port]) => `${purpose} ${port}`)
          .join(', '),
        n.netnsPath ?? (n.roles.includes('api') ? 'its own, once started' : 'host'),
        ready === undefined ? 'started by the system' : `${ready.toFixed(1)}s`,
        String(processes[n.name]?.pid ?? ''),
      ];
    }),
  ]);
}
