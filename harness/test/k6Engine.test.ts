import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HistoryEntry } from '@flux-gate/run-format';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { findK6, k6Engine } from '../src/load/k6Engine.ts';
import { LoadEngineError } from '../src/load/LoadEngine.ts';

const userK6 = await findK6().catch(() => undefined);
if (!userK6) process.stderr.write('k6Engine.test.ts: no k6 binary here (K6_BIN unset, no k6 on PATH): the run on k6 is SKIPPED; the project never installs k6.\n');

describe('the k6 engine', () => {
  it('without a k6 of the user, says how to get one and starts nothing', async () => {
    await expect(findK6({ PATH: '/nonexistent' })).rejects.toThrow(LoadEngineError);
    await expect(findK6({ PATH: '/nonexistent' })).rejects.toThrow(/Get k6 from Grafana.*K6_BIN/);
    await expect(findK6({ K6_BIN: '/no/such/k6' })).rejects.toThrow(/K6_BIN is \/no\/such\/k6, which does not exist/);
  });

  it.skipIf(!userK6)('runs the scenario on the user\'s k6 and writes history lines classified like the built-in engine\'s', async () => {
    const app = Fastify();
    app.post('/order', async (_req, reply) => reply.code(409).send({ error: 'sold_out' }));
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    const dir = mkdtempSync(join(tmpdir(), 'flux-k6-'));
    try {
      const historyFile = join(dir, 'history.ndjson');
      await k6Engine.run(
        { workload: 'http', startRate: 20, stages: [{ rate: 20, durationMs: 1000 }], users: 100, products: ['p'], seed: 1, round: 0, maxInFlight: 50, timeoutMs: 2000, apiUrls: [url], connections: 16, retries: 0, backoff: { baseMs: 100, maxMs: 1000 } },
        { historyFile, signal: new AbortController().signal, log: () => {}, logFile: join(dir, 'k6.log') },
      );
      const lines = readFileSync(historyFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as HistoryEntry);
      expect(lines.length).toBeGreaterThan(10);
      expect(lines.every((l) => l.status === 409 && l.outcome === 'fail' && l.error === 'sold_out')).toBe(true);
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
