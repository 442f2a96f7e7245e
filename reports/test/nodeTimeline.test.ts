import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FaultRecord, Manifest, Results, RoleChange } from '@flux-gate/run-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarizeRun, writeCiFiles, writeReport } from '../src/index.ts';
import { writeSyntheticRun } from './writeSyntheticRun.ts';

let tmp: string;
let dir: string;
const evilNode = '<b>kafka-9</b>';

/** A synthetic run with the replicated topology recorded, role changes and a partition that isolated the leader. */
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'fg-timeline-'));
  dir = await writeSyntheticRun(join(tmp, 'replicated'), { seed: 5, requests: 3_000, durationS: 20 });
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Manifest;
  const at = (s: number) => manifest.startedAt + s * 1000;
  manifest.topology = {
    shape: 'replicated',
    nodes: ['kafka-1', 'kafka-2', 'kafka-3'].map((name, i) => ({ name, part: 'kafka', roles: ['kafka-broker', 'kafka-controller'], address: `10.77.0.${i + 2}` })),
  };
  const faults: FaultRecord[] = [
    { id: 'iso', kind: 'isolate', target: 'kafka-leader', label: 'isolate kafka-leader', injectedAt: at(5), healedAt: at(9), nodes: ['kafka-2'], groups: [['kafka-2'], ['kafka-1', 'kafka-3', evilNode]] },
    { id: 'kill', kind: 'kill', target: 'kafka-1', label: 'kill kafka-1', injectedAt: at(12), healedAt: at(14) },
  ];
  const roles: RoleChange[] = [
    { at: at(0.5), node: 'kafka-1', roles: ['kafka-follower'] },
    { at: at(0.5), node: 'kafka-2', roles: ['kafka-leader', 'kafka-controller'] },
    { at: at(6), node: 'kafka-2', roles: [], down: true },
    { at: at(6.5), node: 'kafka-1', roles: ['kafka-leader'] },
  ];
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
  await writeFile(join(dir, 'faults.json'), JSON.stringify(faults));
  await writeFile(join(dir, 'roles.ndjson'), `${roles.map((r) => JSON.stringify(r)).join('\n')}\n{"at":`);
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('the node timeline and the counts per fault window of a replicated run', () => {
  it('draws a lane per node with its roles and the side of the partition it was on, names escaped', async () => {
    const html = await readFile(await writeReport(dir), 'utf8');
    const svg = html.slice(html.indexOf('<h2>Nodes</h2>'), html.indexOf('</svg>'));
    expect(svg).toContain('<svg class="timeline"');
    for (const node of ['kafka-1', 'kafka-2', 'kafka-3']) expect(svg).toContain(`font-weight="600" fill="#1b1f24">${node}</text>`);
    expect(svg).toContain('&lt;b&gt;kafka-9&lt;/b&gt;');
    expect(svg).not.toContain(evilNode);
    expect(svg).toContain('kafka-2: orders leader + controller');
    expect(svg).toContain('kafka-2 did not answer');
    expect(svg).toContain('isolated from 3 node(s)');
    expect(svg).toContain('kafka-1: isolate kafka-leader; cut from kafka-2');
    expect(svg).toContain('kafka-1: kill kafka-1, 12.0–14.0 s');
    // The torn last line of roles.ndjson is skipped and said.
    expect(html).toContain('roles.ndjson: 1 line(s) not JSON (skipped)');
    expect(html).toContain('kafka-2 <b>✂</b> kafka-1, kafka-3, &lt;b&gt;kafka-9&lt;/b&gt;');
  });

  it('counts every window: before, each fault, between, after; the accepted orders missing from PostgreSQL are broken promises', async () => {
    const { windows, digest } = await summarizeRun(dir);
    expect(windows.map((w) => [w.kind, w.label])).toEqual([
      ['before', 'before'],
      ['fault', 'isolate kafka-leader'],
      ['between', 'between'],
      ['fault', 'kill kafka-1'],
      ['after', 'after'],
    ]);
    expect(windows.reduce((s, w) => s + w.arrivals, 0)).toBe(digest.requests);
    // The synthetic final state stores no order: every accepted one is missing.
    for (const w of windows) expect(w).toMatchObject({ brokenPromises: w.accepted, acceptedThenMissing: w.accepted, acceptedThenRejected: 0 });
    const html = await readFile(await writeReport(dir), 'utf8');
    expect(html).toContain('<h2>Per fault window</h2>');
    expect(html).toContain('<td>isolate kafka-leader</td><td class="num">5.0–9.0 s</td>');
  });

  it('summary.md carries the same table when results.json has the windows', async () => {
    const { windows } = await summarizeRun(dir);
    const results = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as Results;
    const { summary } = await writeCiFiles(dir, { ...results, windows });
    const row = summary.split('\n').find((l) => l.startsWith('| isolate kafka-leader |'))!;
    const w = windows[1]!;
    expect(row).toBe(`| isolate kafka-leader | 5.0–9.0 s | ${w.arrivals.toLocaleString('en-US')} | ${w.accepted} | ${w.refused} | ${w.open} | 0 | **${w.brokenPromises}** |`);
    expect(summary).toContain('| _before_ | start–5.0 s |');
  });
});
