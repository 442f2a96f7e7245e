import { localProvider, type StartedStack } from '@flux-gate/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltApp, buildApp } from '../src/index.ts';
import { adminHeaders, apiConfig } from './support/apiConfig.ts';

let stack: StartedStack;
let api: BuiltApp;
let other: BuiltApp;

beforeAll(async () => {
  stack = await localProvider.start({ log: () => undefined });
  api = await buildApp(apiConfig(stack));
  // A second app in the same process: each has a registry of its own, so neither counts the other's requests.
  other = await buildApp(apiConfig(stack));
});

afterAll(async () => {
  await api?.close();
  await other?.close();
  await stack?.stop();
});

/** The value of one sample line (`name{labels} value`) in Prometheus's text format, or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics', () => {
  it("counts requests by route and status, the take's answers and the Kafka sends", async () => {
    expect((await api.app.inject({ method: 'POST', url: '/admin/sales', headers: adminHeaders, payload: { productId: 'm-1', stock: 2 } })).statusCode).toBe(200);
    const order = (userId: string) => api.app.inject({ method: 'POST', url: '/order', payload: { userId, productId: 'm-1' } });
    expect((await order('u1')).statusCode).toBe(200);
    expect((await order('u1')).statusCode).toBe(409);
    expect((await order('u2')).statusCode).toBe(200);
    expect((await order('u3')).statusCode).toBe(409);

    const res = await api.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const text = res.body;
    expect(sample(text, 'http_request_duration_seconds_count{method="POST",route="/order",status_code="200"}')).toBe(2);
    expect(sample(text, 'http_request_duration_seconds_count{method="POST",route="/order",status_code="409"}')).toBe(2);
    expect(sample(text, 'http_request_duration_seconds_bucket{le="0.0005",method="POST",route="/order",status_code="200"}')).toBeDefined();
    expect(sample(text, 'fluxgate_take_answers_total{answer="ok"}')).toBe(2);
    expect(sample(text, 'fluxgate_take_answers_total{answer="already_ordered"}')).toBe(1);
    expect(sample(text, 'fluxgate_take_answers_total{answer="sold_out"}')).toBe(1);
    expect(sample(text, 'fluxgate_kafka_send_seconds_count{outcome="acked"}')).toBe(2);
    expect(sample(text, 'process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(text).not.toContain('route="/metrics"');

    const otherText = (await other.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(sample(otherText, 'fluxgate_take_answers_total{answer="ok"}')).toBeUndefined();
  });

  it('times requests by their route pattern and status, and leaves out /metrics, HEAD and unknown routes', async () => {
    expect((await other.app.inject({ method: 'POST', url: '/order', payload: { userId: 'u1' } })).statusCode).toBe(400);
    expect((await other.app.inject({ method: 'GET', url: '/products/m-2' })).statusCode).toBe(404);
    await other.app.inject({ method: 'HEAD', url: '/products/m-2' });
    expect((await other.app.inject({ method: 'GET', url: '/no-such-route' })).statusCode).toBe(404);
    await other.app.inject({ method: 'GET', url: '/metrics' });

    const text = (await other.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(sample(text, 'http_request_duration_seconds_count{method="POST",route="/order",status_code="400"}')).toBe(1);
    expect(sample(text, 'http_request_duration_seconds_count{method="GET",route="/products/:productId",status_code="404"}')).toBe(1);
    expect(text).not.toContain('method="HEAD"');
    expect(text).not.toContain('no-such-route');
    expect(text).not.toContain('route="/metrics"');
    const sums = text.split('\n').filter((l) => l.startsWith('http_request_duration_seconds_sum{'));
    expect(sums).toHaveLength(2);
  });
});
