import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { mapConcurrently } from '../src/probes/mapConcurrently.ts';

describe('mapConcurrently', () => {
  it('keeps at most `limit` calls under way and returns results in the items\' order', async () => {
    let running = 0;
    let most = 0;
    const items = Array.from({ length: 40 }, (_, i) => i);
    const out = await mapConcurrently(items, 8, async (i) => {
      most = Math.max(most, ++running);
      await sleep(40 - i);
      running--;
      return i * 2;
    });
    expect(out).toEqual(items.map((i) => i * 2));
    expect(most).toBe(8);
  });

  it('rejects with the first failure and starts no call after it', async () => {
    const started: number[] = [];
    const run = mapConcurrently(Array.from({ length: 20 }, (_, i) => i), 2, async (i) => {
      started.push(i);
      await sleep(5);
      if (i === 3) throw new Error('item 3 failed');
      return i;
    });
    await expect(run).rejects.toThrow('item 3 failed');
    await sleep(30);
    expect(Math.max(...started)).toBeLessThanOrEqual(4);
  });
});
