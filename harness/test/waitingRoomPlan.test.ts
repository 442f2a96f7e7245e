import { describe, expect, test } from 'vitest';
import { loadPlanOf } from '../src/experiment/loadPlanOf.ts';
import { ExperimentError, parseDefinition } from '../src/experiment/loadExperiment.ts';
import { spoilToken } from '../src/load/spoilToken.ts';

const definition = (load: Record<string, unknown>, system: Record<string, unknown> = {}) =>
  parseDefinition({ name: 'q', description: 'queued', system: { products: [{ productId: 'p', stock: 5 }], ...system }, load: { rate: 10, duration: '1s', users: 10, ...load } }, 'test');

describe('following the waiting room, as an experiment states it', () => {
  test('the plan carries the patience and the spoiled tokens only when the load follows', () => {
    const d = definition({ waitingRoom: 'follow', patience: '4s', spoiledTokens: 3 }, { admissionTokenTtl: '2s' });
    if (d.kind !== 'experiment') throw new Error('expected an experiment');
    expect(d.experiment.system.admissionTokenTtl).toBe(2000);
    expect(d.experiment.thresholds.waitingRoom).toEqual({ fifoTolerance: 0, soldOutNotice: 2000, etaMedianError: 1000 });
    const plan = loadPlanOf(d.experiment, { apiUrls: ['http://x'], kafkaBrokers: [], productIds: ['p'] }, 1, 0);
    expect(plan.workload === 'http' && plan.waitingRoom).toEqual({ patienceMs: 4000, spoiledTokens: 3 });
    const plain = definition({});
    if (plain.kind !== 'experiment') throw new Error('expected an experiment');
    expect(plain.experiment.load.waitingRoom).toBe('ignore');
    expect('waitingRoom' in loadPlanOf(plain.experiment, { apiUrls: ['http://x'], kafkaBrokers: [], productIds: ['p'] }, 1, 0)).toBe(false);
  });

  test('is refused before anything starts on the Kafka workload or k6, and a token TTL that is not whole seconds', () => {
    expect(() => definition({ waitingRoom: 'follow', workload: 'kafka' })).toThrow(ExperimentError);
    expect(() => definition({ waitingRoom: 'follow', workload: 'kafka' })).toThrow(/load\.waitingRoom: "follow" needs the built-in engine and the http workload/);
    expect(() => definition({ waitingRoom: 'follow', engine: 'k6' })).toThrow(/load\.waitingRoom/);
    expect(() => definition({ waitingRoom: 'wander' })).toThrow(/load\.waitingRoom/);
    expect(() => definition({}, { admissionTokenTtl: '1500ms' })).toThrow(/system\.admissionTokenTtl: whole seconds, at least 1s/);
  });
});

describe('spoilToken', () => {
  const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
  test('moves a JWS payload\'s ticket number and keeps its header and signature', () => {
    const token = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ pid: 'p', tkt: 7, ep: 'e', iat: 1, exp: 2 })}.c2ln`;
    const [h, p, s] = spoilToken(token).split('.');
    expect(h).toBe(token.split('.')[0]);
    expect(s).toBe('c2ln');
    expect(JSON.parse(Buffer.from(p!, 'base64url').toString())).toEqual({ pid: 'p', tkt: 1_000_007, ep: 'e', iat: 1, exp: 2 });
  });
  test('changes the last character of anything else', () => {
    expect(spoilToken('abc')).toBe('abA');
    expect(spoilToken('abA')).toBe('abB');
    expect(spoilToken('a.b.c')).toBe('a.b.A');
  });
});
