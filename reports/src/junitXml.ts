import { create } from 'xmlbuilder2';
import type { CheckResult } from '@flux-gate/run-format';
import type { CiRun } from './CiRun.ts';
import { checkText } from './witnessText.ts';

/**
 * junit.xml: one test suite for the run, one test case per check. A failed check is a <failure> whose
 * text holds its summary, counts and witnesses; an unknown one is an <error> (not <skipped>): an
 * inconclusive invariant was not shown to hold, and JUnit readers count an error against the build as
 * the run's exit code 2 does. A run that ended before its checks has one <error> test case, "run".
 * Characters XML cannot hold (control characters) are replaced by U+FFFD.
 */
export function junitXml(run: CiRun): string {
  const { results, manifest } = run;
  const cases: CheckResult[] = results.checks.length
    ? results.checks
    : [{ name: 'run', verdict: 'unknown', summary: results.error ?? 'the run ended before its checks', counts: {}, witnesses: [] }];
  const failures = cases.filter((c) => c.verdict === 'fail').length;
  const errors = cases.filter((c) => c.verdict === 'unknown').length;
  const seconds = manifest.finishedAt ? ((manifest.finishedAt - manifest.startedAt) / 1000).toFixed(3) : '0';
  const totals = { tests: cases.length, failures, errors, skipped: 0, time: seconds };

  const doc = create({ version: '1.0', encoding: 'UTF-8', invalidCharReplacement: '\uFFFD' });
  const suite = doc
    .ele('testsuites', { name: 'flux-gate', ...totals })
    .ele('testsuite', { name: run.name, ...totals, timestamp: new Date(manifest.startedAt).toISOString(), hostname: 'localhost' });
  const properties = suite.ele('properties');
  const props: [string, string][] = [
    ['verdict', results.verdict],
    ['seed', String(manifest.seed)],
    ['gitSha', manifest.gitSha],
    ['gitDirty', String(manifest.gitDirty)],
    ['runDir', run.dir],
    ...(run.description ? [['description', run.description] as [string, string]] : []),
    ...(results.error ? [['error', results.error] as [string, string]] : []),
  ];
  for (const [name, value] of props) properties.ele('property', { name, value });
  for (const check of cases) {
    const testcase = suite.ele('testcase', { classname: run.name, name: check.name, time: '0' });
    if (check.verdict === 'fail') testcase.ele('failure', { message: check.summary, type: 'fail' }).txt(checkText(check));
    else if (check.verdict === 'unknown') testcase.ele('error', { message: check.summary, type: 'unknown' }).txt(checkText(check));
    else testcase.ele('system-out').txt(checkText(check));
  }
  return doc.end({ prettyPrint: true });
}
