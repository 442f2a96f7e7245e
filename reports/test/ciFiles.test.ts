import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Results } from '@flux-gate/run-format';
import { SaxesParser } from 'saxes';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { publishToGithub, writeCiFiles } from '../src/index.ts';
import { evilExperiment, evilUserId, writeSyntheticRun } from './writeSyntheticRun.ts';

interface Case {
  name: string;
  classname: string;
  /** 'failure', 'error', 'skipped' or 'pass'. */
  kind: string;
  message?: string;
  text: string;
}

/** Parses junit.xml with a strict, conforming XML parser (saxes throws on anything not well-formed). */
function parseJunit(xml: string): { suites: Record<string, string>[]; cases: Case[]; properties: Record<string, string> } {
  const parser = new SaxesParser();
  const suites: Record<string, string>[] = [];
  const cases: Case[] = [];
  const properties: Record<string, string> = {};
  let current: Case | undefined;
  let inBody = false;
  parser.on('opentag', (tag) => {
    const a = tag.attributes as Record<string, string>;
    if (tag.name === 'testsuite') suites.push(a);
    if (tag.name === 'property') properties[a.name!] = a.value!;
    if (tag.name === 'testcase') cases.push((current = { name: a.name!, classname: a.classname!, kind: 'pass', text: '' }));
    if (current && ['failure', 'error', 'skipped', 'system-out'].includes(tag.name)) {
      if (tag.name !== 'system-out') Object.assign(current, { kind: tag.name, message: a.message });
      inBody = true;
    }
  });
  parser.on('text', (t) => {
    if (current && inBody) current.text += t;
  });
  parser.on('closetag', (tag) => {
    if (['failure', 'error', 'skipped', 'system-out'].includes(tag.name)) inBody = false;
    if (tag.name === 'testcase') current = undefined;
  });
  parser.write(xml).close();
  return { suites, cases, properties };
}

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'fg-ci-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('junit.xml and summary.md', () => {
  it('junit.xml is well-formed, one test case per check, witnesses in the failure text, unknown as an error', async () => {
    const dir = await writeSyntheticRun(join(tmp, 'evil'), { seed: 3, requests: 2000, experiment: evilExperiment });
    const { files } = await writeCiFiles(dir);
    const xml = await readFile(files[0]!, 'utf8');
    const stored = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as Results;
    const { suites, cases, properties } = parseJunit(xml);
    expect(suites).toHaveLength(1);
    expect(suites[0]).toMatchObject({ name: evilExperiment, tests: String(stored.checks.length), failures: '1', errors: '1', skipped: '0' });
    expect(cases.map((c) => c.name)).toEqual(stored.checks.map((c) => c.name));
    expect(cases.map((c) => c.kind)).toEqual(stored.checks.map((c) => (c.verdict === 'fail' ? 'failure' : c.verdict === 'unknown' ? 'error' : 'pass')));
    const failed = cases.find((c) => c.kind === 'failure')!;
    const failedCheck = stored.checks.find((c) => c.verdict === 'fail')!;
    expect(failed.message).toBe(failedCheck.summary);
    expect(failed.text).toContain(`witnesses (${failedCheck.witnesses.length}):`);
    expect(failed.text).toContain(evilUserId);
    expect(xml).not.toContain(evilUserId); // escaped in the file, whole again once parsed
    expect(properties).toMatchObject({ verdict: 'fail', seed: expect.any(String) });
  });

  it('control characters, CDATA ends and quotes in a check still make well-formed XML', async () => {
    const dir = await writeSyntheticRun(join(tmp, 'control'), { seed: 4, requests: 500 });
    const nasty = 'the client said \u001b[31m"boom"\u001b[0m ]]> & <tag> \u0000 \ud83d\udca5 it\'s';
    const results: Results = {
      verdict: 'fail',
      checks: [{ name: 'no_lost_orders', verdict: 'fail', summary: nasty, counts: { missing: 1 }, witnesses: [{ orderId: 'o-1', note: nasty }] }],
      figures: { requests: 1, reqPerSec: 1, accepted: 1, sold: 0, unknown: 0, p50Ms: 1, p95Ms: 1, p99Ms: 1, errorRate: 0, drainSeconds: null, recovery: [] },
    };
    const { files, summary } = await writeCiFiles(dir, results);
    const { cases } = parseJunit(await readFile(files[0]!, 'utf8'));
    expect(cases).toHaveLength(1);
    expect(cases[0]!.message).toBe(nasty.replace(/[\u0000\u001b]/g, '\ufffd'));
    expect(cases[0]!.text).toContain('order id o-1 · note the client said');
    // summary.md: one table row per check, the pipe and the tag neutralised.
    const row = summary.split('\n').find((l) => l.startsWith('| `no_lost_orders`'))!;
    expect(row).toContain('&lt;tag&gt;');
    expect(row.split(' | ')).toHaveLength(3);
  });

  it('a run that ended before its checks is one errored test case', async () => {
    const dir = await writeSyntheticRun(join(tmp, 'crashed'), { seed: 5, requests: 500, complete: false });
    const { files, summary } = await writeCiFiles(dir);
    const { cases } = parseJunit(await readFile(files[0]!, 'utf8'));
    expect(cases).toEqual([expect.objectContaining({ name: 'run', kind: 'error', message: expect.stringMatching(/results\.json is missing/) })]);
    expect(summary).toContain('⚠️ UNKNOWN');
    expect(summary).toContain('No check ran');
  });

  it('summary.md holds the verdict, the key figures and every check', async () => {
    const dir = await writeSyntheticRun(join(tmp, 'summary'), { seed: 6, requests: 1000 });
    const { files } = await writeCiFiles(dir);
    const md = await readFile(files[1]!, 'utf8');
    const stored = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as Results;
    expect(md).toMatch(/^## ❌ FAIL: flash-sale/);
    expect(md).toContain(`| ${stored.figures.requests.toLocaleString('en-US')} |`);
    for (const c of stored.checks) expect(md).toContain(`| \`${c.name}\` |`);
  });

  it('in a GitHub Actions job, appends the summary and annotates each failed check', async () => {
    const dir = await writeSyntheticRun(join(tmp, 'github'), { seed: 7, requests: 500 });
    const { run, summary } = await writeCiFiles(dir);
    const stepSummary = join(tmp, 'step-summary.md');
    await writeFile(stepSummary, '# earlier step\n');
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
    try {
      expect(await publishToGithub(run, summary, { GITHUB_STEP_SUMMARY: stepSummary })).toBe(true);
      expect(await publishToGithub(run, summary, {})).toBe(false);
    } finally {
      spy.mockRestore();
    }
    expect(await readFile(stepSummary, 'utf8')).toBe(`# earlier step\n${summary}\n`);
    const failed = run.results.checks.filter((c) => c.verdict === 'fail');
    const errors = out.filter((l) => l.startsWith('::error '));
    expect(errors).toHaveLength(failed.length);
    expect(errors[0]).toMatch(new RegExp(`^::error title=flash-sale%3A ${failed[0]!.name} failed::`));
    expect(errors[0]).toContain('%0Awitnesses'); // a multi-line message, escaped for the workflow command
    expect(out.filter((l) => l.startsWith('::warning ')).length).toBe(run.results.checks.filter((c) => c.verdict === 'unknown').length);
  });
});
