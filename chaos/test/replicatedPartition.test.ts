import { type AnyStartedStack, localProvider } from '@flux-gate/stack';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createFault, type FaultContext } from '../src/index.ts';
import { connectFromHost as fromHost, startTcpProbe, type TcpProbe } from './tcpProbeClient.ts';

let stack: AnyStartedStack;
const probes: TcpProbe[] = [];

describe.runIf(process.getuid?.() === 0)('a partition on the replicated local stack is real', () => {
  beforeAll(async () => {
    stack = await localProvider.start({ topology: 'replicated', log: () => {} });
  });
  afterAll(async () => {
    for (const probe of probes) probe.stop();
    await stack?.stop();
  });

  test('while kafka-2 is isolated a connection from kafka-1 to its broker port times out; the host still reaches it; after heal kafka-1 connects', async () => {
    const nodes = stack.networkNodes!;
    const context: FaultContext = { toxiproxyUrl: stack.endpoints.toxiproxyUrl, processes: stack.processes, nodes };
    const target = stack.topology.nodes.find((n) => n.name === 'kafka-2')!;
    const port = target.ports.harness!;
    const peer = startTcpProbe(nodes['kafka-1']!.netnsPath);
    probes.push(peer);
    expect((await peer.connect(target.host, port, 2000)).outcome).toBe('connected');

    const isolate = createFault({ kind: 'isolate', node: 'kafka-2' }, context);
    try {
      await isolate.inject();
      const attempt = await peer.connect(target.host, port, 2000);
      expect(attempt.outcome).toBe('timeout'); // dropped, not refused: the SYN never got an answer
      expect(attempt.ms).toBeGreaterThanOrEqual(2000);
      expect(await fromHost(target.host, port)).toBe('connected'); // the host is not a node: not cut
    } finally {
      await isolate.heal();
    }
    expect((await peer.connect(target.host, port, 2000)).outcome).toBe('connected');
  });
});
