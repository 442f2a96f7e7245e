import { localProvider, type StartedStack } from '@flux-gate/stack';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltApp, buildApp } from '../src/index.ts';
import { adminHeaders, apiConfig } from './support/apiConfig.ts';
import { readOrderEvents } from './support/readOrderEvents.ts';

let stack: StartedStack;
let api: BuiltApp;

beforeAll(async () => {
  stack = await localProvider.start({ log: () => undefined });
  api = await buildApp(apiConfig(stack));
  for (const productId of ['p-ids', 'p-ids-ok']) {
    const armed = await api.app.inject({ method: 'POST', url: '/admin/sales', headers: adminHeaders, payload: { productId, stock: 100 } });
    expect(armed.statusCode).toBe(200);
  }
});

afterAll(async () => {
  await api?.close();
  await stack?.stop();
});

/** Each kind of bad id, as a JS string (a body sends it as JSON; a path or query percent-encodes its UTF-8). */
const badIds: Array<[kind: string, id: string]> = [
  ['NUL', 'nul\u0000user'],
  ['C0 control', 'a\u0001b'],
  ['tab', 'a\tb'],
  ['newline', 'a\nb'],
  ['DEL', 'a\u007fb'],
  ['C1 control', 'a\u0085b'],
  ['lone high surrogate', 'a\ud800b'],
  ['lone low surrogate', 'a\udc00'],
];
/** The longest id each field takes; one more character is too long. */
const maxLength: Record<string, number> = { 'idempotency-key': 128, idempotencyKey: 128, 'admission-token': 2048, ticket: 256, orderId: 36 };
const kinds = (field: string): Array<[kind: string, id: string]> => [...badIds, ['too long', 'x'.repeat((maxLength[field] ?? 64) + 1)]];

/**
 * A percent-encoded id: its UTF-8, except that a lone surrogate, which has no UTF-8, is sent as the
 * three bytes a careless encoder writes for it (ED A0 80), which are not UTF-8 either.
 */
const encoded = (id: string) =>
  [...id].map((c) => (/^[\ud800-\udfff]$/.test(c) ? [...Buffer.from(c.charCodeAt(0) === 0xd800 ? [0xed, 0xa0, 0x80] : [0xed, 0xb0, 0x80])].map((b) => `%${b.toString(16).toUpperCase()}`).join('') : encodeURIComponent(c))).join('');

/** A header value is bytes read as latin1: a lone surrogate arrives as the bytes above, read one by one. */
const headerValue = (id: string) => [...id].map((c) => (/^[\ud800-\udfff]$/.test(c) ? '\u00ed\u00a0\u0080' : c)).join('');

const admin = { ...adminHeaders };
const goodOrder = { userId: 'u-ok', productId: 'p-ids' };

/** Every place a route takes an id: the request that carries `id` there, and the field the 400 must name. */
const places: Array<[where: string, field: string, request: (id: string) => InjectOptions]> = [
  ['POST /order body', 'userId', (id) => ({ method: 'POST', url: '/order', payload: { ...goodOrder, userId: id } })],
  ['POST /order body', 'productId', (id) => ({ method: 'POST', url: '/order', payload: { ...goodOrder, productId: id } })],
  ['POST /order header', 'idempotency-key', (id) => ({ method: 'POST', url: '/order', headers: { 'idempotency-key': headerValue(id) }, payload: goodOrder })],
  ['POST /order header', 'admission-token', (id) => ({ method: 'POST', url: '/order', headers: { 'admission-token': headerValue(id) }, payload: goodOrder })],
  ['POST /admin/sales body', 'productId', (id) => ({ method: 'POST', url: '/admin/sales', headers: admin, payload: { productId: id, stock: 1 } })],
  ['GET /order/:orderId', 'orderId', (id) => ({ method: 'GET', url: `/order/${encoded(id)}` })],
  ['GET /products/:productId', 'productId', (id) => ({ method: 'GET', url: `/products/${encoded(id)}` })],
  ['GET /queue/:ticket', 'ticket', (id) => ({ method: 'GET', url: `/queue/${encoded(id)}` })],
  ['POST /admin/sales/:productId/reseed', 'productId', (id) => ({ method: 'POST', url: `/admin/sales/${encoded(id)}/reseed`, headers: admin })],
  ['GET /admin/sales/:productId/queue', 'productId', (id) => ({ method: 'GET', url: `/admin/sales/${encoded(id)}/queue`, headers: admin })],
  ['POST /admin/sales/:productId/queue/pause', 'productId', (id) => ({ method: 'POST', url: `/admin/sales/${encoded(id)}/queue/pause`, headers: admin })],
  ['POST /admin/sales/:productId/queue/resume', 'productId', (id) => ({ method: 'POST', url: `/admin/sales/${encoded(id)}/queue/resume`, headers: admin })],
  ['POST /admin/sales/:productId/queue/rate', 'productId', (id) => ({ method: 'POST', url: `/admin/sales/${encoded(id)}/queue/rate`, headers: admin, payload: { ratePerSec: 1 } })],
  ...(['productId', 'userId', 'idempotencyKey', 'ticket'] as const).map(
    (field): [string, string, (id: string) => InjectOptions] => ['GET /waiting-room query', field, (id) => ({ method: 'GET', url: `/waiting-room?${new URLSearchParams({ productId: 'p-ids', [field]: 'x' }).toString().replace(`${field}=x`, `${field}=${encoded(id)}`)}` })],
  ),
];

describe('an id the system cannot hold', () => {
  it.each(places)('%s: %s answers 400 naming the field, for each kind of bad id', async (_where, field, request) => {
    const answers = [];
    for (const [kind, id] of kinds(field)) {
      const res = await api.app.inject(request(id));
      answers.push({ kind, status: res.statusCode, error: res.json().error, field: res.json().field });
    }
    expect(answers).toEqual(kinds(field).map(([kind]) => ({ kind, status: 400, error: 'invalid_request', field })));
  });

  it('is never accepted, so no order reaches Kafka for it', async () => {
    for (const [, id] of badIds) await api.app.inject({ method: 'POST', url: '/order', payload: { userId: id, productId: 'p-ids' } });
    const events = await readOrderEvents(stack.endpoints.kafkaBrokers, 'p-ids');
    expect(events.map((e) => e.userId)).toEqual([]);
  });

  it('names the rule in the message', async () => {
    const res = await api.app.inject({ method: 'POST', url: '/order', payload: { userId: 'nul\u0000user', productId: 'p-ids' } });
    expect(res.json()).toEqual({ error: 'invalid_request', field: 'userId', message: 'userId must hold no control character (such as NUL)' });
  });
});

describe('an id of any other characters', () => {
  it('is accepted up to 64 characters, counting a surrogate pair as one', async () => {
    const ids = ['ünïcødé-用户', '😀'.repeat(64), 'with space and "quotes" \\ /', 'x'.repeat(64)];
    for (const userId of ids) {
      const res = await api.app.inject({ method: 'POST', url: '/order', payload: { userId, productId: 'p-ids-ok' } });
      expect([userId, res.statusCode]).toEqual([userId, 200]);
    }
    const tooLong = await api.app.inject({ method: 'POST', url: '/order', payload: { userId: '😀'.repeat(65), productId: 'p-ids-ok' } });
    expect([tooLong.statusCode, tooLong.json().field]).toEqual([400, 'userId']);
    const events = await readOrderEvents(stack.endpoints.kafkaBrokers, 'p-ids-ok');
    expect(events.map((e) => e.userId).sort()).toEqual([...ids].sort());
  });
});
