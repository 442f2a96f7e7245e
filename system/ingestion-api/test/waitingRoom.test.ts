import { setTimeout as sleep } from 'node:timers/promises';
import type { QueueStatus } from '@flux-gate/contracts';
import { localProvider, type StartedStack } from '@flux-gate/stack';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltApp, buildApp } from '../src/index.ts';
import { QueueSigner } from '../src/waitingRoom/QueueSigner.ts';
import { adminHeaders, apiConfig } from './support/apiConfig.ts';
import { commitWorkerOffsetsAtEnd } from './support/commitWorkerOffsetsAtEnd.ts';
import { queueClient } from './support/queueClient.ts';

// The limiter lets one order per second through (burst 1): everyone else is shed to the queue.
// Redis gets 2 s per command, so that a machine loaded by other runs gives no 503 here.
const env = { RATE_LIMIT_PER_SEC: '1', RATE_LIMIT_BURST: '1', WAITING_ROOM_TOKEN_TTL_SEC: '2', REDIS_TIMEOUT_MS: '2000' };
let stack: StartedStack;
let api: BuiltApp;
let redis: Redis;
let q: ReturnType<typeof queueClient>;

beforeAll(async () => {
  stack = await localProvider.start({ log: () => undefined });
  api = await buildApp(apiConfig(stack, env));
  redis = new Redis(stack.endpoints.redisUrl);
  q = queueClient(api.app);
});

afterAll(async () => {
  await api?.close();
  redis?.disconnect();
  await stack?.stop();
});

const base64url = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const users = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i + 1}`);
/** A paused queue of one ticket per user, in this order; returns the tickets. */
const queueUp = async (productId: string, stock: number, rate: number, who: string[]) => {
  await q.arm(productId, stock, rate);
  await q.steer(productId, 'pause');
  const tickets = [];
  for (const userId of who) tickets.push(await q.ticket(productId, userId));
  return tickets;
};
/** Reads every ticket, last first: the serving counter only grows, so a FIFO queue shows a prefix admitted. */
const readAll = async (tickets: { ticket: string }[]) => {
  const states: QueueStatus[] = [];
  for (const t of [...tickets].reverse()) states.unshift(await q.read(t.ticket));
  return states;
};
const admittedPrefix = (states: QueueStatus[]) => {
  const admitted = states.map((s) => s.state === 'admitted');
  const k = admitted.indexOf(false);
  return k === -1 || admitted.slice(k).every((a) => !a);
};

describe('tickets', () => {
  it('hands out one ticket per user, atomically and in order, and sends newcomers to the back of a paused queue', async () => {
    await q.arm('wr-tickets', 1000, 1);
    await q.steer('wr-tickets', 'pause');
    const who = users('t', 40);
    const tickets = await Promise.all(who.map((u) => q.ticket('wr-tickets', u)));
    expect(tickets.map((t) => t.number).sort((a, b) => a - b)).toEqual(who.map((_, i) => i + 1));
    expect(new Set(tickets.map((t) => t.ticket)).size).toBe(40);
    const again = await q.ticket('wr-tickets', 't-7');
    expect(again).toEqual(tickets[6]);
    expect(again.waitingRoomUrl).toBe(`/waiting-room?productId=wr-tickets&userId=t-7&ticket=${again.ticket}`);

    const last = tickets.find((t) => t.number === 40)!;
    const res = await q.status(last.ticket);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.json()).toMatchObject({ state: 'waiting', productId: 'wr-tickets', number: 40, position: 40, ahead: 39, serving: 0, issued: 40, paused: true, etaMs: null, pollMs: 1000, remaining: 1000 });
    expect(res.json().admissionToken).toBeUndefined();
  });

  it('refuses a ticket it did not sign, naming it', async () => {
    const [t] = await queueUp('wr-forged-ticket', 5, 1, ['ft-1']);
    const tampered = t!.ticket.replace(/\.1\./, '.2.');
    const last = base64url.indexOf(t!.ticket.at(-1)!);
    const respelled = `${t!.ticket.slice(0, -1)}${base64url[last ^ 1]}`; // the same tag bytes: the last character has unused bits
    for (const bad of ['garbage', tampered, respelled, `${t!.ticket.slice(0, -2)}AA`]) {
      const res = await q.status(bad);
      expect([res.statusCode, res.json().error]).toEqual([404, 'unknown_ticket']);
    }
  });
});

describe('admission', () => {
  it('admits in ticket order at the admission rate, as the ETA foretold', async () => {
    const tickets = await queueUp('wr-fifo', 1000, 10, users('f', 10));
    await q.steer('wr-fifo', 'resume');
    const resumedAt = performance.now();
    const since = () => performance.now() - resumedAt;
    // Each ticket's admission happened after the last read that found it waiting was sent, and
    // before the first read that found it admitted was answered: a window, whatever the reads' lag.
    const predicted: number[] = [];
    const lastWaiting: number[] = [];
    const firstAdmitted: number[] = [];
    const pass = async () => {
      const states: QueueStatus[] = [];
      for (let i = tickets.length - 1; i >= 0; i--) {
        const sent = since();
        const s = await q.read(tickets[i]!.ticket);
        states[i] = s;
        if (s.state === 'waiting') {
          lastWaiting[i] = sent;
          predicted[i] ??= sent + s.etaMs!;
          expect(s.position).toBe(s.ahead + 1);
        } else firstAdmitted[i] ??= since();
      }
      expect(admittedPrefix(states), states.map((s) => s.state[0]).join('')).toBe(true);
    };
    while (firstAdmitted.filter((t) => t !== undefined).length < tickets.length) {
      await pass();
      if (since() > 10_000) throw new Error('not all admitted in 10 s');
      await sleep(20);
    }
    // 10 tickets at 10/s: the last is let in about 1 s after the resume.
    expect(lastWaiting[9]).toBeLessThan(1200);
    expect(firstAdmitted[9]).toBeGreaterThan(800);
    // A ticket let in before any read found it waiting was shown no ETA.
    const shown = [...predicted.keys()].filter((i) => predicted[i] !== undefined);
    expect(shown.length).toBeGreaterThanOrEqual(5);
    const errors = shown.map((i) => {
      const p = predicted[i]!;
      return p < lastWaiting[i]! ? p - lastWaiting[i]! : p > firstAdmitted[i]! ? p - firstAdmitted[i]! : 0;
    });
    const windows = shown.map((i) => firstAdmitted[i]! - lastWaiting[i]!);
    console.log(`ETA outside its admission window (ms): ${errors.map(Math.round).join(' ')}; windows (ms): ${windows.map(Math.round).join(' ')}`);
    for (const e of errors) expect(Math.abs(e)).toBeLessThan(100);
  });

  it('banks no admissions while the queue is empty: a burst after an idle spell waits its turn', async () => {
    const [first] = await queueUp('wr-idle', 100, 2, ['i-0']);
    await q.steer('wr-idle', 'resume');
    await q.until(first!.ticket, 'admitted');
    await sleep(2500); // an unbounded counter would now stand 5 tickets ahead
    // The queue is empty, so the limiter's bucket (burst 1) serves the next buyer at once.
    expect((await q.order('wr-idle', 'i-direct')).statusCode).toBe(200);
    const burst = [];
    for (const u of users('i', 4)) burst.push(await q.ticket('wr-idle', u));
    expect(burst.map((t) => t.number)).toEqual([2, 3, 4, 5]);
    const last = await q.read(burst[3]!.ticket);
    expect(last.state).toBe('waiting');
    expect(last.ahead).toBeGreaterThanOrEqual(2);
    await q.until(burst[3]!.ticket, 'admitted');
  });

  it('pauses, resumes and changes the rate, with the token that arms sales', async () => {
    const tickets = await queueUp('wr-steer', 1000, 20, users('s', 30));
    const paused = await q.steer('wr-steer', 'get');
    expect(paused).toEqual({ productId: 'wr-steer', issued: 30, serving: 0, waiting: 30, ratePerSec: 20, paused: true, remaining: 1000 });
    await sleep(300);
    expect((await q.steer('wr-steer', 'get')).serving).toBe(0);

    const t0 = performance.now();
    await q.steer('wr-steer', 'resume');
    const t1 = performance.now();
    await sleep(500);
    const t2 = performance.now();
    const pausedAgain = await q.steer('wr-steer', 'pause');
    const t3 = performance.now();
    // 20/s for as long as admission ran, which lies between t2 − t1 and t3 − t0.
    expect(pausedAgain.serving).toBeGreaterThanOrEqual(Math.floor((20 * (t2 - t1)) / 1000) - 1);
    expect(pausedAgain.serving).toBeLessThanOrEqual(Math.ceil((20 * (t3 - t0)) / 1000));
    await sleep(300);
    expect((await q.steer('wr-steer', 'get')).serving).toBe(pausedAgain.serving);

    expect((await q.steer('wr-steer', 'rate', 100)).ratePerSec).toBe(100);
    await q.steer('wr-steer', 'resume');
    await sleep(150);
    const faster = await q.steer('wr-steer', 'get');
    expect(faster.serving - pausedAgain.serving).toBeGreaterThanOrEqual(8);
    expect((await q.read(tickets[29]!.ticket)).ratePerSec).toBe(100);

    const noAuth = await api.app.inject({ method: 'POST', url: '/admin/sales/wr-steer/queue/pause' });
    expect([noAuth.statusCode, noAuth.json().error]).toEqual([401, 'unauthorized']);
    const badRate = await api.app.inject({ method: 'POST', url: '/admin/sales/wr-steer/queue/rate', headers: adminHeaders, payload: { ratePerSec: 0 } });
    expect([badRate.statusCode, badRate.json().field]).toEqual([400, 'ratePerSec']);
    const unknown = await api.app.inject({ method: 'GET', url: '/admin/sales/wr-nothing/queue', headers: adminHeaders });
    expect([unknown.statusCode, unknown.json().error]).toEqual([404, 'unknown_product']);
  });
});

describe('admission tokens', () => {
  const withToken = (token: string, key?: string) => ({ 'admission-token': token, ...(key ? { 'idempotency-key': key } : {}) });

  it('lets an admitted buyer order once, past the limiter; refuses forged, replayed and other-product tokens, naming which', async () => {
    const [alice] = await queueUp('wr-tokens', 10, 50, ['alice', 'bob']);
    await q.arm('wr-tokens-other', 10, 50);
    await q.steer('wr-tokens', 'resume');
    const { admissionToken, admissionExpiresAt } = await q.until(alice!.ticket, 'admitted');
    const token = admissionToken!;
    expect(Date.parse(admissionExpiresAt!)).toBeGreaterThan(Date.now());

    const refused = async (headers: Record<string, string>, productId = 'wr-tokens', userId = 'alice') => {
      const res = await q.order(productId, userId, headers);
      return [res.statusCode, res.json().error, res.json().field];
    };
    const [head, claims, sig] = token.split('.') as [string, string, string];
    const flipped = `${head}.${claims}.${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`;
    // The same signature bytes spelled otherwise: the last of 43 base64url characters has 2 unused bits.
    const last = base64url.indexOf(sig.at(-1)!);
    const respelled = `${head}.${claims}.${sig.slice(0, -1)}${base64url[last ^ 1]}`;
    expect(Buffer.from(respelled.split('.')[2]!, 'base64url')).toEqual(Buffer.from(sig, 'base64url'));
    const otherKey = new QueueSigner('another secret, another shop: 0123456789').token(JSON.parse(Buffer.from(claims, 'base64url').toString()));
    const noneAlg = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${claims}.`;
    for (const forged of [flipped, respelled, otherKey, noneAlg, 'not-a-token']) expect(await refused(withToken(forged))).toEqual([403, 'token_forged', 'admission-token']);
    expect(await refused(withToken(token), 'wr-tokens-other')).toEqual([403, 'token_other_product', 'admission-token']);

    const first = await q.order('wr-tokens', 'alice', withToken(token, 'alice-key'));
    expect([first.statusCode, first.json().status]).toEqual([200, 'accepted']);
    const retry = await q.order('wr-tokens', 'alice', withToken(token, 'alice-key'));
    expect(retry.json().orderId).toBe(first.json().orderId);
    expect(await refused(withToken(token, 'another-key'))).toEqual([409, 'token_replayed', 'admission-token']);
    expect(await refused(withToken(token))).toEqual([409, 'token_replayed', 'admission-token']);
    expect(await refused(withToken(token), 'wr-tokens', 'bob')).toEqual([409, 'token_replayed', 'admission-token']);
    expect(await redis.get('{sale:wr-tokens}:stock')).toBe('9');
    // Every key of the sale, queue included, carries the product's hash tag: one slot on Redis Cluster.
    const keys = (await redis.keys('*wr-tokens*')).filter((k) => !k.includes('wr-tokens-other'));
    expect(keys.filter((k) => !k.startsWith('{sale:wr-tokens}:'))).toEqual([]);
    expect(keys).toEqual(expect.arrayContaining(['queue', 'ticket-of', 'admitted', 'tokens-used', 'stock'].map((k) => `{sale:wr-tokens}:${k}`)));
  });

  it('is no way around the per-user limit', async () => {
    const [eve] = await queueUp('wr-per-user', 10, 50, ['eve']);
    await q.steer('wr-per-user', 'resume');
    const { admissionToken } = await q.until(eve!.ticket, 'admitted');
    // The queue is empty now: the limiter's bucket lets eve buy without her token…
    expect((await q.order('wr-per-user', 'eve')).statusCode).toBe(200);
    // …and her token does not buy a second unit.
    const second = await q.order('wr-per-user', 'eve', withToken(admissionToken!));
    expect([second.statusCode, second.json().error]).toEqual([409, 'already_ordered']);
  });

  it('expires: past its expiry, and when the sale is re-armed', async () => {
    const [frank, grace] = await queueUp('wr-expiry', 10, 50, ['frank', 'grace']);
    await q.steer('wr-expiry', 'resume');
    const f = await q.until(frank!.ticket, 'admitted');
    const g = await q.until(grace!.ticket, 'admitted');
    expect((await q.read(frank!.ticket)).admissionToken).toBe(f.admissionToken);
    await sleep(Date.parse(f.admissionExpiresAt!) - Date.now() + 50);
    const late = await q.order('wr-expiry', 'frank', withToken(f.admissionToken!));
    expect([late.statusCode, late.json().error]).toEqual([403, 'token_expired']);

    await q.arm('wr-expiry', 10, 50);
    const rearmed = await q.order('wr-expiry', 'grace', withToken(g.admissionToken!));
    // grace's token may also have run out by now: either way it is expired, never accepted.
    expect([rearmed.statusCode, rearmed.json().error]).toEqual([403, 'token_expired']);
    const stale = await q.status(grace!.ticket);
    expect([stale.statusCode, stale.json().error]).toEqual([410, 'ticket_stale']);
  });
});

describe('sold out', () => {
  it('ends the wait of every ticket the moment the stock is gone', async () => {
    const tickets = await queueUp('wr-sold', 2, 20, users('so', 2));
    await q.steer('wr-sold', 'resume');
    const [a, b] = [await q.until(tickets[0]!.ticket, 'admitted'), await q.until(tickets[1]!.ticket, 'admitted')];
    await q.steer('wr-sold', 'pause');
    for (const u of users('so', 5).slice(2)) tickets.push(await q.ticket('wr-sold', u));
    const before = await readAll(tickets);
    expect(before.map((s) => s.state)).toEqual(['admitted', 'admitted', 'waiting', 'waiting', 'waiting']);

    expect((await q.order('wr-sold', 'so-1', { 'admission-token': a.admissionToken! })).statusCode).toBe(200);
    expect((await q.read(tickets[4]!.ticket)).state).toBe('waiting');
    expect((await q.order('wr-sold', 'so-2', { 'admission-token': b.admissionToken! })).statusCode).toBe(200);
    const after = await readAll(tickets);
    expect(after.map((s) => s.state)).toEqual(['sold_out', 'sold_out', 'sold_out', 'sold_out', 'sold_out']);
    expect(after[4]).toMatchObject({ position: 0, ahead: 0, etaMs: null, pollMs: 0, remaining: 0 });
    const res = await q.status(tickets[4]!.ticket);
    expect(res.headers['retry-after']).toBeUndefined();

    const waiting = await q.order('wr-sold', 'so-3');
    expect([waiting.statusCode, waiting.json().error]).toEqual([409, 'sold_out']);
  });
});

describe('Redis restarted empty', () => {
  it('refuses the queue and the sale until re-armed or reseeded; older tickets are then stale', async () => {
    const [t] = await queueUp('wr-restart', 5, 1, ['r-1']);
    await redis.flushall();
    for (const res of [await q.status(t!.ticket), await q.order('wr-restart', 'r-2')]) {
      expect([res.statusCode, res.json().error]).toEqual([503, 'unavailable']);
    }
    const admin = await api.app.inject({ method: 'GET', url: '/admin/sales/wr-restart/queue', headers: adminHeaders });
    expect(admin.statusCode).toBe(503);

    // No worker runs here: the orders the other tests sent are marked stored, or the reseed waits for them (409).
    await commitWorkerOffsetsAtEnd(stack.endpoints.kafkaBrokers);
    expect((await api.app.inject({ method: 'POST', url: '/admin/sales/wr-restart/reseed', headers: adminHeaders })).statusCode).toBe(200);
    const stale = await q.status(t!.ticket);
    expect([stale.statusCode, stale.json().error]).toEqual([410, 'ticket_stale']);
    expect((await q.order('wr-restart', 'r-2')).statusCode).toBe(200);
    expect((await q.ticket('wr-restart', 'r-1')).number).toBe(1);
  });
});

describe('the broken random-admission mode', () => {
  it('admits out of ticket order', async () => {
    const broken = await buildApp(apiConfig(stack, { ...env, FLUXGATE_BROKEN_RANDOM_ADMISSION: '1' }));
    try {
      const b = queueClient(broken.app);
      await b.arm('wr-broken', 1000, 100);
      await b.steer('wr-broken', 'pause');
      const tickets = [];
      for (const u of users('b', 256)) tickets.push(await b.ticket('wr-broken', u));
      await b.steer('wr-broken', 'resume');
      await sleep(300);
      const states = [];
      for (const t of [...tickets].reverse()) states.unshift(await b.read(t.ticket));
      const admitted = states.filter((s) => s.state === 'admitted').length;
      expect(admitted).toBeGreaterThan(10);
      expect(admitted).toBeLessThan(256);
      expect(admittedPrefix(states)).toBe(false);
    } finally {
      await broken.close();
    }
  });
});
