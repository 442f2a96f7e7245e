import { type AnyStartedStack, containersProvider } from '@flux-gate/stack';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createFault, healNetwork, partitionChain } from '../src/index.ts';
import { connectFromHost as fromHost, startTcpProbe } from './tcpProbeClient.ts';

// Real Docker: the engine and the images the containers project's global setup provisioned.
let stack: AnyStartedStack;
beforeAll(async () => {
  stack = await containersProvider.start({ topology: 'replicated', log: () => {} });
});
afterAll(async () => {
  if (stack?.networkNodes) await healNetwork(stack.networkNodes);
  await stack?.stop();
});

describe.runIf(process.getuid?.() === 0)('partitions between containers drop packets', () => {
  test('isolate redis-1: a connection from redis-2\'s container times out, the host still connects; after heal it connects again', async () => {
    const nodes = stack.networkNodes!;
    const [target, peer] = [nodes['redis-1']!, nodes['redis-2']!];
    const port = stack.topology.nodes.find((n) => n.name === 'redis-1')!.ports.client!;
    const probe = startTcpProbe(peer.netnsPath);
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
        expect(await fromHost(target.address, port, 1500)).toBe('connected');
      } finally {
        await isolate.heal();
      }
      expect((await target.exec('iptables', ['-S', partitionChain])).split('\n').filter((l) => l.startsWith('-A'))).toEqual([]);
      expect((await probe.connect(target.address, port, 1500)).outcome).toBe('connected');
    } finally {
      probe.stop();
    }
  });
});
