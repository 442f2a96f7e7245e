import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HistoryEntry } from '@flux-gate/run-format';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childPids } from '@flux-gate/stack';
import { builtinEngine } from '../src/load/builtinEngine.ts';
import { LoadEngineError } from '../src/load/LoadEngine.ts';
import type { HttpPlan, KafkaPlan } from '../src/load/LoadPlan.ts';

/** A real HTTP server whose answers each test sets: a delay, a status, a body, or a broken socket. */
interface Behaviour {
  delayMs?: number;
  answer?: (key: string, attempt: number) => { status: number; body?: unknown; headers?: Record<string, string> } | 'reset' | 'hang';
}

describe('the built-in load engine, against a real HTTP server', () => {
  let app: FastifyInstance;
  let url: string;
  let behaviour: Behaviour = {};
  const attempts = new Map<string, number>();
  const paths: string[] = [];
  let active = 0;
  let mostActive = 0;
  const dir = mkdtempSync(join(tmpdir(), 'flux-engine-'));
  let runs = 0;

  beforeAll(async () => {
    app = Fastify();
    app.all('/*', async (req, reply) => {
      paths.push(req.url);
      const key = String(req.headers['idempotency-key']);
      const attempt = (attempts.get(key) ?? 0) + 1;
      attempts.set(key, attempt);
      mostActive = Math.max(mostActive, ++active);
      if (behaviour.delayMs) await new Promise((r) => setTimeout(r, behaviour.delayMs));
      active--;
      const a = behaviour.answer?.(key, attempt) ?? { status: 409, body: { error: 'sold_out' } };
      if (a === 'reset') return req.raw.socket.destroy();
      if (a === 'hang') return new Promise(() => {});
      return reply.code(a.status).headers(a.headers ?? {}).send(a.body ?? {});
    });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const plan = (over: Partial<HttpPlan>): HttpPlan => ({
    workload: 'http',
    startRate: 100,
    stages: [{ rate: 100, durationMs: 1000 }],
    users: 1000,
    products: ['p1'],
    seed: 1,
    round: 0,
    maxInFlight: 1000,
    timeoutMs: 2000,
    apiUrls: [url],
    connections: 256,
    retries: 0,
    backoff: { baseMs: 50, maxMs: 400 },
    ...over,
  });
  async function run(p: HttpPlan, b: Behaviour = {}) {
    behaviour = b;
    attempts.clear();
    paths.length = 0;
    mostActive = 0;
    const historyFile = join(dir, `history-${++runs}.ndjson`);
    const summary = await builtinEngine.run(p, { historyFile, signal: new AbortController().signal, log: () => {}, logFile: join(dir, 'engine.log') });
    const lines = readFileSync(historyFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as HistoryEntry);
    return { summary, lines };
  }

  it('keeps the arrival rate when every answer takes 500 ms (open model), and counts latency from when each was due', async () => {
    const { summary, lines } = await run(plan({ startRate: 200, stages: [{ rate: 200, durationMs: 2000 }] }), { delayMs: 500 });
    expect(summary.offered).toBe(400);
    expect(summary.dropped).toBe(0);
    expect(lines).toHaveLength(400);
    const due = lines.map((l) => l.intendedTs!).sort((a, b) => a - b);
    // The arrivals were due at 200/s: each second of the schedule holds 200 of them.
    const first = due[0]!;
    expect(due.filter((t) => t - first < 1000)).toHaveLength(200);
    // Sent on time although every earlier answer was still outstanding.
    const late = lines.map((l) => l.sentTs! - l.intendedTs!).sort((a, b) => a - b);
    // (A closed-model generator would be seconds late here: each answer takes 500 ms.)
    expect(late[Math.floor(late.length * 0.95)]).toBeLessThan(250);
    // The server waits 500 ms on a millisecond timer, which may fire a fraction early.
    for (const l of lines) expect(l.latencyMs).toBeGreaterThanOrEqual(499);
    expect(summary.cpuMs).toBeGreaterThan(0);
  });

  it('a pre-sale phase browses before the first order is due, opens every connection, and leaves the history to the sale', async () => {
    const sockets = new Set<unknown>();
    const sawSocket = (socket: unknown) => void sockets.add(socket);
    app.server.on('connection', sawSocket);
    const started = Date.now();
    const { summary, lines } = await run(plan({ connections: 16, presale: { rate: 100, durationMs: 1000, products: ['p1'] } }), {
      answer: (key) => (key === 'undefined' ? { status: 200, body: {} } : { status: 409, body: { error: 'sold_out' } }),
    });
    const browsing = paths.filter((p) => p.startsWith('/products/') || p.startsWith('/waiting-room'));
    expect(browsing).toHaveLength(100);
    expect(new Set(browsing)).toEqual(new Set(['/products/p1', '/waiting-room?productId=p1']));
    // All 16 connections were open before the sale: the sale's 100 arrivals open none of their own.
    expect(summary.presale).toMatchObject({ requests: 116, errors: 0, connectionsOpened: 16 });
    expect(sockets.size).toBe(16);
    // The history holds the sale's orders only, every one due after the phase ended.
    expect(lines).toHaveLength(100);
    expect(lines.every((l) => l.intendedTs! >= summary.presale!.endedAt)).toBe(true);
    expect(summary.presale!.startedAt).toBeGreaterThanOrEqual(started);
    app.server.off('connection', sawSocket);
  });

  it("a pre-sale's browsing reaches every product page on every instance, also when their count divides the pages'", async () => {
    // Three more servers, so the engine takes instances in turn; 5 products and the waiting-room page make 6 pages.
    const seen: string[] = [];
    const servers = await Promise.all(
      [0, 1, 2].map(async (i) => {
        const s = Fastify();
        s.all('/*', async (req) => {
          seen.push(`${i} ${req.url}`);
          return {};
        });
        return { s, url: await s.listen({ host: '127.0.0.1', port: 0 }) };
      }),
    );
    try {
      const products = ['p1', 'p2', 'p3', 'p4', 'p5'];
      await run(plan({ apiUrls: servers.map((x) => x.url), connections: 2, stages: [{ rate: 10, durationMs: 100 }], presale: { rate: 400, durationMs: 500, products } }));
      const pages = [...products.map((p) => `/products/${p}`), '/waiting-room?productId=p1'];
      const browsed = new Set(seen.filter((l) => !l.endsWith('/order') && !l.endsWith('/health')));
      // 200 arrivals: more than the 3 passes over the 6 pages that put every page on every instance.
      for (const i of [0, 1, 2]) for (const page of pages) expect(browsed.has(`${i} ${page}`), `${i} ${page}`).toBe(true);
    } finally {
      await Promise.all(servers.map((x) => x.s.close()));
    }
  });

  it('records arrivals beyond the in-flight cap as dropped, without delaying later ones', async () => {
    const { summary, lines } = await run(plan({ maxInFlight: 10, startRate: 200, stages: [{ rate: 200, durationMs: 1000 }] }), { delayMs: 300 });
    const dropped = lines.filter((l) => l.outcome === 'dropped');
    expect(dropped.length).toBeGreaterThan(100);
    expect(summary.dropped).toBe(dropped.length);
    expect(summary.started + summary.dropped).toBe(200);
    expect(dropped.every((l) => l.status === 0 && l.error === 'in_flight_cap' && l.sentTs === undefined)).toBe(true);
    const sent = lines.filter((l) => l.outcome !== 'dropped');
    const lateness = sent.map((l) => l.sentTs! - l.intendedTs!).sort((a, b) => a - b);
    expect(lateness[Math.floor(lateness.length * 0.95)]).toBeLessThan(250);
  });

  it('retries a 503 with the same Idempotency-Key after a jittered, growing backoff', async () => {
    const { summary, lines } = await run(plan({ startRate: 20, stages: [{ rate: 20, durationMs: 1000 }], retries: 3 }), {
      answer: (_key, attempt) => (attempt < 3 ? { status: 503, body: { error: 'unavailable' } } : { status: 200, body: { status: 'accepted', orderId: `o-${attempt}` } }),
    });
    expect(summary.offered).toBe(20);
    expect(summary.retries).toBe(40);
    const byKey = new Map<string, HistoryEntry[]>();
    for (const l of lines) byKey.set(l.key, [...(byKey.get(l.key) ?? []), l]);
    expect(byKey.size).toBe(20);
    for (const tries of byKey.values()) {
      tries.sort((a, b) => a.attempt - b.attempt);
      expect(tries.map((t) => [t.attempt, t.status, t.outcome])).toEqual([
        [1, 503, 'fail'],
        [2, 503, 'fail'],
        [3, 200, 'ok'],
      ]);
      expect(new Set(tries.map((t) => t.userId)).size).toBe(1);
      // The wait before attempt k+1, from the recorded times: its due time is the previous answer's
      // end plus the backoff, at most min(400, 50·2^(k-1)) ms.
      const wait = (k: number) => tries[k]!.intendedTs! - (tries[k - 1]!.intendedTs! + tries[k - 1]!.latencyMs);
      expect(wait(1)).toBeGreaterThanOrEqual(-0.01);
      expect(wait(1)).toBeLessThan(50);
      expect(wait(2)).toBeGreaterThanOrEqual(-0.01);
      expect(wait(2)).toBeLessThan(100);
      expect(tries[1]!.sentTs!).toBeGreaterThanOrEqual(tries[1]!.intendedTs! - 0.01);
    }
    const waits = [...byKey.values()].map((t) => t[1]!.intendedTs! - (t[0]!.intendedTs! + t[0]!.latencyMs));
    expect(new Set(waits.map((w) => Math.round(w))).size).toBeGreaterThan(3); // jittered, not one fixed wait
  });

  it('records a 302 and does not follow it', async () => {
    const { lines } = await run(plan({ startRate: 20, stages: [{ rate: 20, durationMs: 500 }] }), { answer: () => ({ status: 302, headers: { location: '/waiting-room' } }) });
    expect(lines.length).toBe(10);
    expect(lines.every((l) => l.status === 302 && l.outcome === 'fail' && l.error === 'http_302')).toBe(true);
    expect(paths.every((p) => p === '/order')).toBe(true);
  });

  it('a reset connection or a timeout is unknown, never failed', async () => {
    const { lines } = await run(plan({ startRate: 20, stages: [{ rate: 20, durationMs: 1000 }], timeoutMs: 300 }), {
      answer: (key) => (Number(key.split('-').pop()) % 2 === 0 ? 'reset' : 'hang'),
    });
    expect(lines).toHaveLength(20);
    expect(lines.every((l) => l.status === 0 && l.outcome === 'unknown')).toBe(true);
    const errors = new Set(lines.map((l) => l.error));
    expect(errors.has('timeout')).toBe(true);
    expect([...errors].some((e) => e === 'reset' || e === 'closed')).toBe(true);
  });

  it('the same seed gives the same buyers and keys; another seed other ones', async () => {
    const ids = async (seed: number) => (await run(plan({ seed, startRate: 50, stages: [{ rate: 50, durationMs: 400 }] }))).lines.map((l) => `${l.userId} ${l.key}`).sort();
    const a = await ids(11);
    expect(a).toHaveLength(20);
    expect(await ids(11)).toEqual(a);
    const other = await ids(12);
    expect(other.filter((x) => a.includes(x))).toEqual([]);
  });

  it('three processes send the same arrivals as one: buyers, keys, products, due times and retry waits; the summary adds them up', async () => {
    const p = plan({
      startRate: 0,
      stages: [
        { rate: 300, durationMs: 1000 },
        { rate: 300, durationMs: 1000 },
      ],
      products: ['p1', 'p2'],
      retries: 2,
      connections: 7,
      presale: { rate: 100, durationMs: 500, products: ['p1', 'p2'] },
    });
    // Every third key is refused once with a 503 and retried with the same key; the browsing (no key) is answered 200.
    const b: Behaviour = {
      answer: (key, attempt) =>
        key === 'undefined' ? { status: 200, body: {} } : Number(key.split('-').pop()) % 3 === 0 && attempt === 1 ? { status: 503, body: { error: 'unavailable' } } : { status: 409, body: { error: 'sold_out' } },
    };
    const arrivals = (lines: HistoryEntry[]) => {
      const first = Math.min(...lines.map((l) => l.intendedTs!));
      return lines
        .filter((l) => l.attempt === 1)
        .map((l) => `${l.key} ${l.userId} ${l.productId} ${(l.intendedTs! - first).toFixed(2)}`)
        .sort();
    };
    // The wait before each retry, from the recorded times (each rounded to the microsecond).
    const retryWaits = (lines: HistoryEntry[]) => {
      const byKey = new Map(lines.filter((l) => l.attempt === 1).map((l) => [l.key, l]));
      return new Map(lines.filter((l) => l.attempt === 2).map((l) => [l.key, l.intendedTs! - (byKey.get(l.key)!.intendedTs! + byKey.get(l.key)!.latencyMs)]));
    };
    const one = await run(p, b);
    const three = await run({ ...p, processes: 3 }, b);
    expect(one.summary.offered).toBe(450); // 150 over the ramp from 0 to 300/s, then 300
    expect(arrivals(one.lines)).toHaveLength(450);
    expect(arrivals(three.lines)).toEqual(arrivals(one.lines));
    const waits = retryWaits(one.lines);
    const waitsOfThree = retryWaits(three.lines);
    expect(waits.size).toBe(150);
    expect([...waitsOfThree.keys()].sort()).toEqual([...waits.keys()].sort());
    expect([...waits].filter(([key, ms]) => Math.abs(waitsOfThree.get(key)! - ms) > 0.005)).toEqual([]);
    expect(three.summary).toMatchObject({ offered: 450, started: 450, dropped: 0, retries: 150, processes: 3 });
    // The browsing is shared out too, and the connections (3 + 2 + 2): the same requests and sockets as one process.
    expect(three.summary.presale).toMatchObject({ requests: 50 + 7, errors: 0, connectionsOpened: 7 });
    expect(one.summary.presale).toMatchObject({ requests: 50 + 7, errors: 0, connectionsOpened: 7 });
    expect(three.summary.cpuMs).toBeGreaterThan(one.summary.cpuMs);
  });

  it('the in-flight cap is shared out among the processes: never more outstanding than the plan allows', async () => {
    const { summary, lines } = await run(plan({ processes: 3, maxInFlight: 10, startRate: 200, stages: [{ rate: 200, durationMs: 1000 }] }), { delayMs: 300 });
    expect(mostActive).toBeLessThanOrEqual(10);
    expect(mostActive).toBeGreaterThanOrEqual(8);
    expect(summary.started + summary.dropped).toBe(200);
    expect(summary.dropped).toBeGreaterThan(100);
    expect(lines.filter((l) => l.outcome === 'dropped')).toHaveLength(summary.dropped);
  });

  it('an abort (Ctrl-C) stops every process: what was sent is written, and none is left running', async () => {
    const abort = new AbortController();
    const historyFile = join(dir, `history-${++runs}.ndjson`);
    const running = builtinEngine.run(plan({ processes: 3, startRate: 100, stages: [{ rate: 100, durationMs: 30_000 }] }), { historyFile, signal: abort.signal, log: () => {}, logFile: join(dir, 'engine.log') });
    // Once the sale has begun (the processes start it together, however long each took to load), a second of it, then Ctrl-C.
    const began = setInterval(() => {
      if (existsSync(historyFile) && statSync(historyFile).size > 0) {
        clearInterval(began);
        setTimeout(() => abort.abort(), 1000);
      }
    }, 50);
    const summary = await running;
    clearInterval(began);
    expect(summary).toMatchObject({ aborted: true, processes: 3 });
    expect(summary.offered).toBeGreaterThan(0);
    expect(summary.offered).toBeLessThan(3000);
    expect(readFileSync(historyFile, 'utf8').split('\n').filter(Boolean)).toHaveLength(summary.offered);
    expect(await childPids()).toEqual([]);
  });

  it('a process that fails stops the others, and the run says where to look', async () => {
    const kafka: KafkaPlan = { workload: 'kafka', startRate: 100, stages: [{ rate: 100, durationMs: 30_000 }], users: 10, products: ['p1'], seed: 1, round: 0, maxInFlight: 100, timeoutMs: 1000, brokers: ['127.0.0.1:1'], topic: 'orders', poisonEvery: 0, processes: 2 };
    const started = Date.now();
    await expect(builtinEngine.run(kafka, { historyFile: join(dir, `history-${++runs}.ndjson`), signal: new AbortController().signal, log: () => {}, logFile: join(dir, 'engine.log') })).rejects.toThrow(LoadEngineError);
    expect(Date.now() - started).toBeLessThan(25_000);
    expect(readFileSync(join(dir, 'engine.log'), 'utf8')).toMatch(/load failed \(segment [12] of 2\)/);
    expect(await childPids()).toEqual([]);
  });
});
