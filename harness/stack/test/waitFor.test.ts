import { describe, expect, it } from 'vitest';
import { waitFor } from '../src/waitFor.ts';

const never = () => new Promise<never>(() => {});

describe('waitFor', () => {
  it('resolves once a check passes, after failed ones', async () => {
    let calls = 0;
    await waitFor(
      async () => {
        if (++calls < 3) throw new Error('not yet');
      },
      { timeoutMs: 5_000, intervalMs: 10 },
    );
    expect(calls).toBe(3);
  });

  it('gives up with the reason abort() gives while a check hangs (a port that accepts and never answers)', async () => {
    let exited = false;
    setTimeout(() => (exited = true), 100);
    await expect(waitFor(never, { timeoutMs: 60_000, intervalMs: 10, abort: () => (exited ? 'exited during start (1)' : undefined) })).rejects.toThrow(
      'exited during start (1)',
    );
  });

  it('keeps its deadline while a check hangs', async () => {
    await expect(waitFor(never, { timeoutMs: 200, intervalMs: 10 })).rejects.toThrow(/did not answer within 0s \(last error: the last check had not finished\)/);
  });

  it('reports the last error when the deadline passes', async () => {
    await expect(
      waitFor(
        async () => {
          throw new Error('connection refused');
        },
        { timeoutMs: 100, intervalMs: 10 },
      ),
    ).rejects.toThrow(/last error: connection refused/);
  });
});

describe('ManagedProcess.start', () => {
  it('fails with the log when the server exits while its readiness check hangs on a port someone else holds', async () => {
    const { createServer, connect } = await import('node:net');
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { ManagedProcess } = await import('../src/ManagedProcess.ts');
    // Another server holds the port: it accepts and never answers.
    const held: import('node:net').Socket[] = [];
    const holder = createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as { port: number }).port;
    const dir = mkdtempSync(join(tmpdir(), 'flux-gate-wait-'));
    try {
      const server = new ManagedProcess({
        name: 'server',
        command: 'sh',
        args: ['-c', `echo "could not bind 127.0.0.1:${port}: Address already in use"; sleep 0.2; exit 1`],
        logFile: join(dir, 'server.log'),
        readyTimeoutMs: 60_000,
        // Connects, then waits for an answer that never comes.
        ready: () => new Promise((_resolve, reject) => connect(port, '127.0.0.1').on('error', reject)),
      });
      await expect(server.start()).rejects.toThrow(/exited during start \(1\)[\s\S]*Address already in use/);
    } finally {
      for (const socket of held) socket.destroy();
      holder.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
