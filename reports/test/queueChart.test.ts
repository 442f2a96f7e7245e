import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type QueueEntry, readRun } from '@flux-gate/run-format';
import { writeReport } from '../src/index.ts';
import { queueSeries } from '../src/queueSeries.ts';
import { writeSyntheticRun } from './writeSyntheticRun.ts';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'fg-queue-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** Polls of a queue where 1,000 tickets/s arrive and 250/s are admitted for 4 s, seen every 10 ms. */
function polls(startedAt: number): string {
  const lines: QueueEntry[] = [];
  for (let t = 0; t < 4000; t += 10) {
    const ts = startedAt + 1000 + t;
    lines.push({ step: 'poll', ts, endTs: ts + 2, userId: 'w1', productId: 'p1', key: 'k1', ticket: 't1', status: 200, state: 'waiting', serving: Math.floor(t / 4), issued: t });
  }
  return lines.map((l) => JSON.stringify(l)).join('\n');
}

describe('the queue chart', () => {
  it('shows the queue length, the serving position and the admissions per second from the polls', async () => {
    const dir = await writeSyntheticRun(join(tmp, 'queued'), { seed: 3, requests: 2_000, durationS: 6 });
    const run = await readRun(dir);
    await writeFile(join(dir, 'queue.ndjson'), polls(run.manifest.startedAt));
    const q = (await queueSeries(await readRun(dir)))!;
    expect(q.x.length).toBe(40);
    expect(q.x[0]).toBeCloseTo(1.1, 5);
    // After 4 s: 3,990 issued, 997 admitted; admissions hold at 250/s throughout.
    expect(q.serving.at(-1)).toBe(997);
    expect(q.length.at(-1)).toBe(3990 - 997);
    expect(q.admissionsPerSec[0]).toBeNull();
    for (const rate of q.admissionsPerSec.slice(1)) expect(rate).toBeGreaterThanOrEqual(240), expect(rate).toBeLessThanOrEqual(260);
    const html = await readFile(await writeReport(dir), 'utf8');
    expect(html).toContain('id="chart-queue"');
    expect(html).toContain('Waiting room: queue length, serving position, admissions per second');
  });

  it('merges a long queue into at most 300 points, and a run without one has no queue chart', async () => {
    const dir = await writeSyntheticRun(join(tmp, 'plain'), { seed: 4, requests: 2_000, durationS: 6 });
    expect(await queueSeries(await readRun(dir))).toBeNull();
    expect(await readFile(await writeReport(dir), 'utf8')).not.toContain('id="chart-queue"');
    const run = await readRun(dir);
    const long: QueueEntry[] = Array.from({ length: 1000 }, (_, i) => ({ step: 'poll', ts: run.manifest.startedAt + i * 100, userId: 'w', productId: 'p1', key: 'k', ticket: 't', serving: i, issued: 2 * i }));
    await writeFile(join(dir, 'queue.ndjson'), long.map((l) => JSON.stringify(l)).join('\n'));
    const q = (await queueSeries(await readRun(dir)))!;
    expect(q.x.length).toBeLessThanOrEqual(300);
    expect(q.serving.at(-1)).toBe(999);
  });
});
