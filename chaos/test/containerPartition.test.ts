import { spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type AnyStartedStack, containersProvider, namespacedCommand } from '@flux-gate/stack';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createFault, healNetwork, partitionChain } from '../src/index.ts';

// Real Docker: the engine and the images the containers project's global setup provisioned.
let stack: AnyStartedStack;
beforeAll(async () => {
  stack = await containersProvider.start({ topology: 'replicated', log: () => {} });
});
afterAll(async () => {
  if (stack?.networkNodes) await healNetwork(stack.networkNodes);
  await stack?.stop();
});

/** A connection from the host (no node, so never cut): 'connected', 'timeout' or 'error'. */
const fromHost = (host: string, port: number, timeoutMs = 1500) =>
  new Promise<string>((resolve) => {
    const socket = createConnection({ host, port });
    const done = (outcome: string) => (clearTimeout(timer), socket.destroy(), resolve(outcome));
    const timer = setTimeout(() => done('timeout'), timeoutMs);
    socket.once('connect', () => done('connected'));
    socket.once('error', () => done('error'));
  });

/** tcpProbe.ts run inside a node's namespace (its container's, entered with nsenter); one question at a time. */
function probeIn(netnsPath: string) {
  const line = namespacedCommand(netnsPath, process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./tcpProbe.ts', import.meta.url))]);
  const child = spawn(line.command, line.args, { stdio: 'pipe' });
  const answers: ((reply: { outcome: string; ms: number }) => void)[] = [];
  createInterface({ input: child.stdout }).on('line', (l) => answers.shift()?.(JSON.parse(l) as { outcome: string; ms: number }));
  return {
    child,
    connect: (host: string, port: number, timeoutMs: number) =>
      new Promise<{ outcome: string; ms: number }>((resolve) => {
        answers.push(resolve);
        child.stdin.write(JSON.stringify({ op: 'connect', host, port, timeoutMs }) + '\n');
      }),
  };
}

describe.runIf(process.getuid?.() === 0)('partitions between containers drop packets', () => {
  test('isolate redis-1: a connection from redis-2\'s container times out, the host still connects; after heal it connects again', async () => {
    const nodes = stack.networkNodes!;
    const [target, peer] = [nodes['redis-1']!, nodes['redis-2']!];
    const port = stack.topology.nodes.find((n) => n.name === 'redis-1')!.ports.client!;
    const probe = probeIn(peer.netnsPath);
    try {
      expect((await probe.connect(target.address, port, 1500)).outcome).toBe('connected');
      const isolate = createFault({ kind: 'isolate', node: 'redis-1' }, { toxiproxyUrl: stack.endpoints.toxiproxyUrl, processes: stack.processes, nodes });
      try {
        await isolate.inject();
        // The cut sits in the container's own namespace: one DROP per other node, nothing in the host's.
        const chain = (await target.exec('iptables', ['-S', partitionChain])).split('\n').filter((l) => l.startsWith('-A'));
        expect(chain).toHaveLength(Object.keys(nodes).length - 1);
        const cut = await probe.connect(target.address, port, 1500);
        expect(cut.outcome).toBe('timeout');
        expect(cut.ms).toBeGreaterThanOrEqual(1500);
        expect(await fromHost(target.address, port)).toBe('connected');
      } finally {
        await isolate.heal();
      }
      expect((await target.exec('iptables', ['-S', partitionChain])).split('\n').filter((l) => l.startsWith('-A'))).toEqual([]);
      expect((await probe.connect(target.address, port, 1500)).outcome).toBe('connected');
    } finally {
      probe.child.kill('SIGKILL');
    }
  });
});
