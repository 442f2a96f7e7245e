import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createConnection } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ManagedProcess, namespacedCommand, type NetworkRecord, NodeNetworks, runCommand, runOrThrow, stopLeftovers, waitFor } from '../src/index.ts';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const logs = mkdtempSync(join(tmpdir(), 'fg-netns-'));
afterAll(() => rmSync(logs, { recursive: true, force: true }));

/** Resolves once a TCP connection to host:port opens, rejects on error or after timeoutMs. */
const connect = (host: string, port: number, timeoutMs = 1000) =>
  new Promise<void>((resolve, reject) => {
    const socket = createConnection({ host, port, timeout: timeoutMs });
    socket.once('connect', () => (socket.destroy(), resolve()));
    socket.once('timeout', () => (socket.destroy(), reject(new Error('timeout'))));
    socket.once('error', reject);
  });

/** What exists of a network's names on this machine: namespaces, links, and host iptables rules naming its bridge. */
async function traces(record: NetworkRecord): Promise<string[]> {
  const namespaces = (await runOrThrow('ip', ['netns', 'list'])).split('\n').map((l) => l.split(' ')[0]!);
  const links = (await runOrThrow('ip', ['-o', 'link'])).split('\n').map((l) => l.split(': ')[1]?.split('@')[0] ?? '');
  const rules = (await runOrThrow('iptables', ['-S'])).split('\n').filter((l) => l.includes(record.bridge));
  return [...namespaces.filter((n) => record.namespaces.includes(n)), ...links.filter((l) => l === record.bridge || record.hostLinks.includes(l)), ...rules];
}

const root = process.getuid?.() === 0;

describe.runIf(root)('node networks: a namespace per node on a bridge of the project', () => {
  it('gives each node its own address, reachable from the host and the other nodes, and nothing else; stop() leaves nothing', async () => {
    const net = await new NodeNetworks(['a', 'b', 'c']).start();
    let server: ManagedProcess | undefined;
    try {
      expect(net.subnet).toMatch(/^10\.213\.\d+\.0\/24$/);
      const [a, b] = [net.node('a'), net.node('b')];
      expect(new Set(Object.values(net.nodes).map((n) => n.address)).size).toBe(3);
      expect(await traces(net.record)).toHaveLength(3 + 3 + 1 + (net.dockerUserAccept ? 1 : 0));
      // Only the /24: no default route, so nothing leaves the bridge.
      expect((await a.exec('ip', ['-4', 'route'])).trim()).toBe(`${net.subnet} dev eth0 proto kernel scope link src ${a.address}`);
      expect(await a.exec('ip', ['-br', 'addr', 'show', 'lo'])).toMatch(/UNKNOWN\s+127\.0\.0\.1\/8/);

      const port = 7100;
      const script = `require('net').createServer((s) => s.pipe(s)).listen(${port}, '${a.address}')`;
      server = await new ManagedProcess(
        net.inNamespace('a', { name: 'echo-a', command: process.execPath, args: ['-e', script], logFile: join(logs, 'echo-a.log'), ready: () => connect(a.address, port), readyTimeoutMs: 10_000 }),
      ).start();
      await connect(a.address, port); // from the host
      const fromB = namespacedCommand(b.netnsPath, process.execPath, ['-e', `require('net').connect(${port}, '${a.address}').on('connect', () => process.exit(0)).on('error', () => process.exit(1))`]);
      expect((await runCommand(fromB.command, fromB.args, { timeoutMs: 5000 })).code).toBe(0);
      // A user's process enters as root and then drops to the user.
      const asNobody = namespacedCommand(b.netnsPath, 'id', ['-u'], { uid: 65534 });
      expect((await runOrThrow(asNobody.command, asNobody.args)).trim()).toBe('65534');
    } finally {
      await net.stop();
    }
    expect(server.running).toBe(false); // killed with its namespace
    expect(await traces(net.record)).toEqual([]);
    await net.stop(); // safe to repeat
  });

  it('a network whose harness was killed (kill -9) is removed by the next start', async () => {
    const code = `const { NodeNetworks } = await import(${JSON.stringify(join(repo, 'harness/stack/src/index.ts'))}); const net = await new NodeNetworks(['x', 'y']).start(); console.log(JSON.stringify(net.record)); setInterval(() => {}, 1000);`;
    const harness = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    harness.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await waitFor(async () => {
      if (!out.includes('\n')) throw new Error('no record yet');
    }, { timeoutMs: 30_000, intervalMs: 50 });
    const record = JSON.parse(out.split('\n')[0]!) as NetworkRecord;
    harness.kill('SIGKILL');
    await once(harness, 'exit');
    expect((await traces(record)).length).toBeGreaterThanOrEqual(5);

    const stopped = await stopLeftovers();
    expect(stopped.map((s) => s.name)).toContain(record.name);
    expect(await traces(record)).toEqual([]);
  });
});
