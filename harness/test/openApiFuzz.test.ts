import { ensureSchemathesis, localProvider, runCommand, type StartedStack } from '@flux-gate/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedSystem, startSystem } from '../src/services/startSystem.ts';

/** Examples per operation and per phase; 13 operations take about 40 s on this 2-core machine. */
const maxExamples = 50;
const seed = 22;

let stack: StartedStack;
let system: StartedSystem;

beforeAll(async () => {
  stack = await localProvider.start({ log: () => undefined });
  // The rate limiter would send most generated orders to the waiting room (a documented 302); with
  // room for them, the fuzzer reaches the Redis gate and the Kafka hand-off too.
  system = await startSystem(stack, { rateLimit: { perSec: 1_000_000, burst: 1_000_000 } });
  await system.armSale('demo', 1_000_000);
});

afterAll(async () => {
  await system?.stop();
  await stack?.stop();
});

describe('the OpenAPI document', () => {
  it('is served at /documentation/json with every route, and the id rule in it', async () => {
    const doc = (await (await fetch(`${system.apiUrls[0]}/documentation/json`)).json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/admin/sales',
      '/admin/sales/{productId}/queue',
      '/admin/sales/{productId}/queue/pause',
      '/admin/sales/{productId}/queue/rate',
      '/admin/sales/{productId}/queue/resume',
      '/admin/sales/{productId}/reseed',
      '/health',
      '/order',
      '/order/{orderId}',
      '/products/{productId}',
      '/queue/{ticket}',
      '/ready',
      '/waiting-room',
    ]);
    expect(JSON.stringify(doc.paths['/order'])).toContain('"pattern":"^[^\\\\u0000-\\\\u001F\\\\u007F-\\\\u009F]*$"');
  });

  it('holds against Schemathesis with every check on: no 5xx, every answer as documented', async () => {
    const schemathesis = await ensureSchemathesis({ log: () => undefined });
    const args = [
      ...schemathesis.prefix,
      'run',
      `${system.apiUrls[0]}/documentation/json`,
      '--checks', 'all',
      '--max-examples', String(maxExamples),
      '--seed', String(seed),
      '--header', `Authorization: Bearer ${system.adminToken}`,
      '--request-timeout', '10',
      '--no-color',
    ];
    const started = performance.now();
    const run = await runCommand(schemathesis.command, args, { timeoutMs: 150_000, cwd: stack.dir });
    const summary = run.stdout.slice(run.stdout.lastIndexOf('=== SUMMARY'));
    const seconds = ((performance.now() - started) / 1000).toFixed(0);
    expect(run.code, `schemathesis exited ${run.code} after ${seconds} s:\n${run.stdout.slice(-12_000)}\n${run.stderr.slice(-2_000)}`).toBe(0);
    expect(summary).toMatch(/Tested: 13/);
    expect(summary).toMatch(/\d+ generated, \d+ passed/);
  }, 180_000);
});
