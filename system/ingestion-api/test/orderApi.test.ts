import { randomUUID } from 'node:crypto';
import { redisKeys } from '@flux-gate/contracts';
import { localProvider, type StartedStack } from '@flux-gate/stack';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltApp, buildApp } from '../src/index.ts';
import { adminHeaders, apiConfig } from './support/apiConfig.ts';
import { readOrderEvents } from './support/readOrderEvents.ts';
import { commitWorkerOffsetsAtEnd } from './support/commitWorkerOffsetsAtEnd.ts';

let stack: StartedStack;
let api: BuiltApp;
let redis: Redis;
let db: pg.Pool;

beforeAll(async () => {
  stack = await localProvider.start({ log: () => undefined });
  api = await buildApp(apiConfig(stack));
  redis = new Redis(stack.endpoints.redisUrl);
  db = new pg.Pool({ connectionString: stack.endpoints.postgresUrl });
  db.on('error', () => undefined); // the stack stops PostgreSQL under idle clients
});

afterAll(async () => {
  await api?.close();
  redis?.disconnect();
  await db?.end();
  await stack?.stop();
});

const arm = async (productId: string, stock: number) => {
  const res = await api.app.inject({ method: 'POST', url: '/admin/sales', headers: adminHeaders, payload: { productId, stock } });
  expect(res.statusCode).toBe(200);
};
const order = (productId: string, userId: string, headers: Record<string, string> = {}) =>
  api.app.inject({ method: 'POST', url: '/order', headers, payload: { userId, productId } });

describe('POST /order', () => {
  it('accepts while stock lasts, then answers sold_out; one unit per user', async () => {
    await arm('p-basic', 2);
    const first = await order('p-basic', 'alice');
    expect(first.statusCode).toBe(200);
    const { status, orderId } = first.json();
    expect(status).toBe('accepted');
    expect(orderId).toMatch(/^[0-9a-f-]{36}$/);

    expect((await order('p-basic', 'alice')).json()).toEqual({ error: 'already_ordered' });
    expect((await order('p-basic', 'bob')).statusCode).toBe(200);
    const soldOut = await order('p-basic', 'carol');
    expect([soldOut.statusCode, soldOut.json()]).toEqual([409, { error: 'sold_out' }]);

    expect(await redis.get(redisKeys.stock('p-basic'))).toBe('0');
    expect(await redis.hlen(redisKeys.pending('p-basic'))).toBe(0);
    const product = await api.app.inject({ method: 'GET', url: '/products/p-basic' });
    expect(product.json()).toEqual({ productId: 'p-basic', remaining: 0 });
  });

  it('reports an accepted order as pending, then as the worker wrote it', async () => {
    await arm('p-status', 5);
    const { orderId } = (await order('p-status', 'dave')).json();
    const pending = await api.app.inject({ method: 'GET', url: `/order/${orderId}` });
    expect(pending.json()).toEqual({ status: 'pending' });

    await db.query(`INSERT INTO orders (order_id, user_id, product_id, status) VALUES ($1, 'dave', 'p-status', 'confirmed')`, [orderId]);
    expect((await api.app.inject({ method: 'GET', url: `/order/${orderId}` })).json()).toEqual({ status: 'confirmed' });
    expect((await api.app.inject({ method: 'GET', url: `/order/${randomUUID()}` })).statusCode).toBe(404);
  });

  it('replays the first answer for the same Idempotency-Key, also while the first is in flight', async () => {
    await arm('p-idem', 10);
    const headers = { 'idempotency-key': 'key-1' };
    const [a, b] = await Promise.all([order('p-idem', 'erin', headers), order('p-idem', 'erin', headers)]);
    const c = await order('p-idem', 'erin', headers);
    expect([a.statusCode, b.statusCode, c.statusCode]).toEqual([200, 200, 200]);
    expect(b.json().orderId).toBe(a.json().orderId);
    expect(c.json().orderId).toBe(a.json().orderId);
    expect(await redis.get(redisKeys.stock('p-idem'))).toBe('9');
    expect((await readOrderEvents(stack.endpoints.kafkaBrokers, 'p-idem')).map((e) => e.orderId)).toEqual([a.json().orderId]);

    const other = await order('p-idem', 'erin', { 'idempotency-key': 'key-2' });
    expect(other.json()).toEqual({ error: 'already_ordered' });
    expect((await order('p-idem', 'erin', { 'idempotency-key': 'key-2' })).json()).toEqual({ error: 'already_ordered' });
  });
});

describe('bad requests', () => {
  const post = (payload: string, contentType = 'application/json') =>
    api.app.inject({ method: 'POST', url: '/order', headers: { 'content-type': contentType }, payload });

  it('answers 400 naming the offending field', async () => {
    const cases: Array<[unknown, string]> = [
      [{ productId: 'p' }, 'userId'],
      [{ userId: 'u' }, 'productId'],
      [{ userId: 5, productId: 'p' }, 'userId'],
      [{ userId: 'u', productId: 'x'.repeat(65) }, 'productId'],
      [{ userId: '', productId: 'p' }, 'userId'],
      [[1, 2], 'body'],
    ];
    for (const [body, field] of cases) {
      const res = await post(JSON.stringify(body));
      expect([res.statusCode, res.json().error, res.json().field]).toEqual([400, 'invalid_request', field]);
    }
    const broken = await post('{"userId":');
    expect([broken.statusCode, broken.json().field]).toEqual([400, 'body']);
    const badKey = await order('p', 'u', { 'idempotency-key': 'k'.repeat(200) });
    expect([badKey.statusCode, badKey.json().field]).toEqual([400, 'idempotency-key']);
    const badId = await api.app.inject({ method: 'GET', url: '/order/not-a-uuid' });
    expect([badId.statusCode, badId.json().field]).toEqual([400, 'orderId']);
  });

  it('answers 404, 413, 415 and 401 with catalogue codes', async () => {
    expect((await order('no-such-product', 'u')).json()).toEqual({ error: 'unknown_product' });
    expect((await api.app.inject({ method: 'GET', url: '/products/no-such-product' })).statusCode).toBe(404);
    expect((await api.app.inject({ method: 'GET', url: '/nowhere' })).json()).toEqual({ error: 'not_found' });

    const big = await post(JSON.stringify({ userId: 'u'.repeat(64), productId: 'p', padding: 'x'.repeat(4096) }));
    expect([big.statusCode, big.json().error]).toEqual([413, 'payload_too_large']);
    const text = await post('userId=u', 'text/plain');
    expect([text.statusCode, text.json().error]).toEqual([415, 'unsupported_media_type']);
    const form = await post('userId=u', 'application/x-www-form-urlencoded');
    expect(form.statusCode).toBe(415);

    for (const headers of [{}, { authorization: 'Bearer wrong-token-wrong-token' }]) {
      const res = await api.app.inject({ method: 'POST', url: '/admin/sales', headers, payload: { productId: 'p-x', stock: 1 } });
      expect([res.statusCode, res.json().error]).toEqual([401, 'unauthorized']);
    }
    const reseed = await api.app.inject({ method: 'POST', url: '/admin/sales/p-x/reseed' });
    expect(reseed.statusCode).toBe(401);
    const negative = await api.app.inject({ method: 'POST', url: '/admin/sales', headers: adminHeaders, payload: { productId: 'p-x', stock: -1 } });
    expect([negative.statusCode, negative.json().field]).toEqual([400, 'stock']);
  });
});

describe('waiting room', () => {
  it('redirects when the rate limiter refuses, and serves the page with the query escaped', async () => {
    const limited = await buildApp(apiConfig(stack, { RATE_LIMIT_PER_SEC: '1', RATE_LIMIT_BURST: '2' }));
    try {
      await arm('p-rate', 100);
      const statuses: number[] = [];
      let location: string | undefined;
      for (let i = 0; i < 5; i++) {
        const res = await limited.app.inject({ method: 'POST', url: '/order', headers: { 'idempotency-key': `r${i}` }, payload: { userId: `u${i}`, productId: 'p-rate' } });
        statuses.push(res.statusCode);
        if (res.statusCode === 302) location = res.headers.location as string;
      }
      expect(statuses.slice(0, 2)).toEqual([200, 200]);
      expect(statuses.slice(2)).toContain(302);
      expect(location).toMatch(/^\/waiting-room\?productId=p-rate&userId=u\d&ticket=[\w.-]+&idempotencyKey=r\d$/);

      const page = await limited.app.inject({ method: 'GET', url: location! });
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toContain('text/html');
      expect(page.body).toContain('/queue/');
      expect(page.body).not.toMatch(/https?:\/\//);

      const hostile = await limited.app.inject({ method: 'GET', url: `/waiting-room?productId=${encodeURIComponent('<script>alert(1)</script>')}` });
      expect(hostile.body).not.toContain('<script>alert(1)</script>');
      expect(hostile.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(hostile.body).toContain('\\u003cscript>alert(1)\\u003c/script>');
    } finally {
      await limited.close();
    }
  });
});

describe('Redis restarting empty', () => {
  it('answers 503 until the sale is reseeded from PostgreSQL, restoring buyers, once no order is in flight', async () => {
    await arm('p-reseed', 3);
    await db.query(`INSERT INTO orders (order_id, user_id, product_id, status) VALUES ($1, 'frank', 'p-reseed', 'confirmed')`, [randomUUID()]);
    await db.query(`UPDATE products SET stock = 2 WHERE product_id = 'p-reseed'`);
    const ivan = await order('p-reseed', 'ivan'); // in Kafka, not yet stored: no worker runs here
    expect(ivan.statusCode).toBe(200);
    await redis.del(redisKeys.stock('p-reseed'), redisKeys.buyers('p-reseed'));

    const refused = await order('p-reseed', 'gina');
    expect([refused.statusCode, refused.json().error]).toEqual([503, 'unavailable']);
    expect((await api.app.inject({ method: 'GET', url: '/products/p-reseed' })).statusCode).toBe(503);
    expect(await redis.exists(redisKeys.stock('p-reseed'))).toBe(0);

    // PostgreSQL's stock of 2 does not count ivan's order yet: the reseed waits for it.
    const early = await api.app.inject({ method: 'POST', url: '/admin/sales/p-reseed/reseed', headers: adminHeaders });
    expect([early.statusCode, early.json().error]).toEqual([409, 'orders_in_flight']);
    expect(early.json().message).toMatch(/order\(s\) are still on their way to PostgreSQL/);
    expect(await redis.exists(redisKeys.stock('p-reseed'))).toBe(0);

    // The worker stores ivan's order and commits its offset.
    await db.query(`INSERT INTO orders (order_id, user_id, product_id, status) VALUES ($1, 'ivan', 'p-reseed', 'confirmed')`, [ivan.json().orderId]);
    await db.query(`UPDATE products SET stock = 1 WHERE product_id = 'p-reseed'`);
    await commitWorkerOffsetsAtEnd(stack.endpoints.kafkaBrokers);

    const reseed = await api.app.inject({ method: 'POST', url: '/admin/sales/p-reseed/reseed', headers: adminHeaders });
    expect(reseed.json()).toEqual({ productId: 'p-reseed', remaining: 1 });
    expect((await order('p-reseed', 'frank')).json()).toEqual({ error: 'already_ordered' });
    expect((await order('p-reseed', 'ivan')).json()).toEqual({ error: 'already_ordered' });
    expect((await order('p-reseed', 'gina')).statusCode).toBe(200);
    const unknown = await api.app.inject({ method: 'POST', url: '/admin/sales/nope/reseed', headers: adminHeaders });
    expect(unknown.statusCode).toBe(404);
  });

  it('re-arming starts a fresh sale in PostgreSQL and Redis', async () => {
    await arm('p-rearm', 1);
    expect((await order('p-rearm', 'hank', { 'idempotency-key': 'h' })).statusCode).toBe(200);
    await arm('p-rearm', 4);
    const { rows } = await db.query(`SELECT stock, initial_stock FROM products WHERE product_id = 'p-rearm'`);
    expect(rows).toEqual([{ stock: 4, initial_stock: 4 }]);
    expect(await redis.get(redisKeys.stock('p-rearm'))).toBe('4');
    expect(await redis.exists(redisKeys.buyers('p-rearm'), redisKeys.idempotency('p-rearm', 'h'))).toBe(0);
  });
});

describe('health', () => {
  it('is healthy and ready while Redis and Kafka answer', async () => {
    expect((await api.app.inject({ method: 'GET', url: '/health' })).json()).toEqual({ status: 'ok' });
    expect((await api.app.inject({ method: 'GET', url: '/ready' })).json()).toEqual({ status: 'ready' });
  });
});
