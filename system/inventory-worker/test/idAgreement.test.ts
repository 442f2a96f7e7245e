import { hasLoneSurrogate, idJsonSchema } from '@flux-gate/contracts';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { decodeOrderLine } from '../src/decodeOrderLine.ts';

/**
 * What the API takes: the route schema, compiled as Fastify compiles it (Ajv 8; coerceTypes and
 * removeAdditional off, as buildApp sets them), after the hook that refuses a lone surrogate anywhere
 * in a request (wellFormedRequest).
 */
const schema = new Ajv({ coerceTypes: false, useDefaults: true, removeAdditional: false, allErrors: false }).compile(idJsonSchema());
const apiTakes = (id: string) => !hasLoneSurrogate(id) && schema(id);

const line = (userId: string) =>
  JSON.stringify({ orderId: '3f1c2a9e-8b7d-4c6e-9a5f-1e2d3c4b5a69', userId, productId: 'sku-1', quantity: 1, acceptedAt: '2030-01-02T03:04:05.678Z' });
const workerStores = (userId: string) => decodeOrderLine(line(userId)).ok;

/** Characters at every edge of the rule: controls, their neighbours, surrogates alone and paired, the BOM, the last code point. */
const edges = ['a', ' ', '~', '\u0000', '\u0009', '\u001f', '\u007f', '\u0080', '\u009f', '\u00a0', '\u00ff', '\u2028', '\ud7ff', '\ud800', '\udbff', '\udc00', '\udfff', '\ue000', '\ufeff', '\uffff', '😀', '\u{10ffff}'];

/** A seeded string of 0–70 characters drawn from the edges (so some are longer than 64). */
function* samples(count: number): Generator<string> {
  let seed = 22;
  const next = () => {
    seed = Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5;
    return (seed ^ (seed >>> 13)) >>> 0;
  };
  for (let n = 0; n < count; n++) {
    const length = next() % 71;
    const common = next() % 4 !== 0;
    let text = '';
    for (let i = 0; i < length; i++) text += common && next() % 64 !== 0 ? 'x' : edges[next() % edges.length];
    yield text;
  }
}

describe('the worker and the API agree on what an id is', () => {
  it('the worker stores every id the API takes, and sets aside every id the API refuses', () => {
    const disagreements: string[] = [];
    let taken = 0;
    const cases = [...edges, ...edges.map((c) => c.repeat(64)), ...edges.map((c) => c.repeat(65)), ...samples(5000)];
    for (const id of cases.filter((c) => c !== '')) {
      const api = apiTakes(id);
      if (api) taken++;
      if (api !== workerStores(id)) disagreements.push(JSON.stringify(id));
    }
    expect(disagreements).toEqual([]);
    // Both answers occur, so the agreement is not vacuous.
    expect(taken).toBeGreaterThan(500);
    expect(cases.length - taken).toBeGreaterThan(500);
  });
});
