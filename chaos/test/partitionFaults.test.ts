import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManagedProcess, NodeNetworks, type StartedNodeNetworks } from '@flux-gate/stack';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createFault, type FaultSpecInput, healNetwork, partitionChain } from '../src/index.ts';
import { startTcpProbe, type TcpProbe } from './tcpProbeClient.ts';

const port = 7200;
const logs = mkdtempSync(join(tmpdir(), 'fg-partition-'));
let net: StartedNodeNetworks;
let server: ManagedProcess;
const probes: Record<string, Probe> = {};

/** A probe in a node's namespace whose connect() goes to a's echo server. */
class Probe {
  constructor(readonly tcp: TcpProbe) {}
  ask(question: object) {
    return this.tcp.ask(question);
  }
  connect(timeoutMs = 1000) {
    return this.tcp.connect(net.node('a').address, port, timeoutMs);
  }
}

const startProbe = (node: string) => new Probe(startTcpProbe(net.node(node).netnsPath));

const fromHost = (address: string, timeoutMs = 1000) =>
  new Promise<string>((resolve) => {
    const socket = createConnection({ host: address, port });
    const done = (outcome: string) => (clearTimeout(timer), socket.destroy(), resolve(outcome));
    const timer = setTimeout(() => done('timeout'), timeoutMs);
    socket.once('connect', () => done('connected'));
    socket.once('error', () => done('error'));
  });

const fault = (spec: FaultSpecInput) => createFault(spec, { toxiproxyUrl: 'http://127.0.0.1:1', processes: {}, nodes: net.nodes });
const chainOf = async (node: string) => (await net.node(node).exec('iptables', ['-S', partitionChain])).split('\n').filter((l) => l.startsWith('-A'));

beforeAll(async () => {
  net = await new NodeNetworks(['a', 'b', 'c']).start();
  const a = net.node('a');
  const script = `require('net').createServer((s) => s.pipe(s)).listen(${port}, '${a.address}')`;
  server = await new ManagedProcess(
    net.inNamespace('a', { name: 'echo-a', command: process.execPath, args: ['-e', script], logFile: join(logs, 'echo-a.log'), ready: () => fromHost(a.address).then((o) => { if (o !== 'connected') throw new Error(o); }), readyTimeoutMs: 10_000 }),
  ).start();
  probes.b = startProbe('b');
  probes.c = startProbe('c');
});
afterAll(async () => {
  for (const probe of Object.values(probes)) probe.tcp.stop();
  await server?.stop();
  await net?.stop();
  rmSync(logs, { recursive: true, force: true });
});
afterEach(() => healNetwork(net.nodes));

describe.runIf(process.getuid?.() === 0)('partitions between nodes drop packets', () => {
  test('isolate: a new connection times out (SYN dropped, not refused) and a live one gets no answers; after heal both work again', async () => {
    const b = probes.b!;
    // As a host firewall would have it, tracking the connection from its SYN: the cut must sit before this accept to cut it.
    for (const node of ['a', 'b']) await net.node(node).exec('iptables', ['-A', 'INPUT', '-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED', '-j', 'ACCEPT']);
    expect((await b.connect()).outcome).toBe('connected');
    expect(await b.ask({ op: 'open', host: net.node('a').address, port })).toMatchObject({ outcome: 'connected' });
    expect(await b.ask({ op: 'echo', token: 'before', timeoutMs: 1000 })).toMatchObject({ outcome: 'reply' });

    const isolate = fault({ kind: 'isolate', node: 'a' });
    await isolate.inject();
    await isolate.inject(); // safe to repeat: no second copy of a rule
    expect(await chainOf('a')).toHaveLength(2); // drops from b and from c
    expect(await chainOf('b')).toHaveLength(1); // drops from a

    const attempt = await b.connect(1500);
    expect(attempt.outcome).toBe('timeout');
    expect(attempt.ms).toBeGreaterThanOrEqual(1500);
    expect(await b.ask({ op: 'echo', token: 'during', timeoutMs: 1500 })).toMatchObject({ outcome: 'timeout' });
    expect(await fromHost(net.node('a').address)).toBe('connected'); // the host is no node: not cut

    await isolate.heal();
    await isolate.heal();
    expect(await chainOf('a')).toEqual([]);
    expect((await b.connect()).outcome).toBe('connected');
    // TCP retransmits what the cut dropped; the live connection answers again.
    expect(await b.ask({ op: 'echo', token: 'after', timeoutMs: 8000 })).toMatchObject({ outcome: 'reply' });
  });

  test('bridge: c is cut from a, and b, the bridge, still reaches a', async () => {
    const bridge = fault({ kind: 'bridge', node: 'b', side: ['c'] });
    await bridge.inject();
    expect((await probes.c!.connect(800)).outcome).toBe('timeout');
    expect((await probes.b!.connect(800)).outcome).toBe('connected');
    await bridge.heal();
    expect((await probes.c!.connect(800)).outcome).toBe('connected');
  });

  test('split: the minority (a) is cut from the majority; a heal removes only its own rules', async () => {
    const split = fault({ kind: 'split', minority: ['a'] });
    const other = fault({ id: 'other', kind: 'isolate', node: 'c' });
    await split.inject();
    await other.inject();
    expect((await probes.b!.connect(800)).outcome).toBe('timeout');
    await split.heal();
    expect((await probes.b!.connect(800)).outcome).toBe('connected');
    expect((await probes.c!.connect(800)).outcome).toBe('timeout'); // still isolated by the other fault
    await other.heal();
    expect((await probes.c!.connect(800)).outcome).toBe('connected');
  });

  test('loss 50%: of 20 new connections into a some time out and some connect; none after heal', async () => {
    const loss = fault({ kind: 'loss', node: 'a', percent: 50 });
    await loss.inject();
    const outcomes = [];
    for (let i = 0; i < 20; i++) outcomes.push((await probes.b!.connect(300)).outcome);
    expect(outcomes).toContain('timeout');
    expect(outcomes).toContain('connected');
    await loss.heal();
    for (let i = 0; i < 5; i++) expect((await probes.b!.connect(300)).outcome).toBe('connected');
  });

  test('loss from b only (a replication link): every connection from b into a times out at 100%, c still connects; the record names both nodes', async () => {
    const loss = fault({ kind: 'loss', node: 'a', from: ['b'], percent: 100 });
    await loss.inject();
    expect(loss.resolved?.()).toEqual({ nodes: ['a', 'b'] });
    expect((await probes.b!.connect(500)).outcome).toBe('timeout');
    expect((await probes.c!.connect(500)).outcome).toBe('connected');
    await loss.heal();
    expect((await probes.b!.connect(500)).outcome).toBe('connected');
  });

  test('a partition names, after inject, the nodes it resolved to and the sides that could not reach each other', async () => {
    const isolate = fault({ kind: 'isolate', node: 'a' });
    const bridge = fault({ id: 'bridge', kind: 'bridge', node: 'b', side: ['c'] });
    expect(isolate.resolved?.()).toBeUndefined();
    await isolate.inject();
    await bridge.inject();
    expect(isolate.resolved?.()).toEqual({ nodes: ['a'], groups: [['a'], ['b', 'c']] });
    expect(bridge.resolved?.()).toEqual({ nodes: ['b', 'c'], groups: [['c'], ['a']] });
    await Promise.all([isolate.heal(), bridge.heal()]);
  });

  test('netem delay on a: a connection from b takes at least the delay (or, on a kernel without netem, inject says so)', async (ctx) => {
    const netem = fault({ kind: 'netem', node: 'a', delayMs: 300 });
    try {
      await netem.inject();
    } catch (err) {
      expect((err as Error).message).toMatch(/no netem qdisc.*CONFIG_NET_SCH_NETEM/);
      await netem.heal();
      ctx.skip();
    }
    const slow = await probes.b!.connect(2000);
    expect(slow.outcome).toBe('connected');
    expect(slow.ms).toBeGreaterThanOrEqual(300);
    await netem.heal();
    expect((await probes.b!.connect(2000)).ms).toBeLessThan(300);
  });

  test('an unknown node is an error at once, naming the nodes', () => {
    expect(() => fault({ kind: 'isolate', node: 'kafka-9' })).toThrow(/unknown node "kafka-9"; known nodes: a, b, c/);
  });
});
