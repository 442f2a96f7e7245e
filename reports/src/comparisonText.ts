import { regressionRules, type Comparison } from './compareRuns.ts';
import { figureDelta } from './figureDelta.ts';
import { formatFigure } from './formatFigure.ts';
import { textTable } from './textTable.ts';

/** The comparison as terminal text: figures and invariants side by side, then the verdict on regressions. */
export function comparisonText(c: Comparison): string {
  const figures = textTable([
    ['figure', 'A', 'B', 'B − A', 'flag', 'test'],
    ...c.figures.map((f) => [
      f.name,
      formatFigure[f.format](f.a),
      formatFigure[f.format](f.b),
      figureDelta(f),
      f.regression ? 'REGRESSION' : '',
      f.test ?? '',
    ]),
  ]);
  const checks = c.checks.length
    ? textTable([['invariant', 'A', 'B', 'flag'], ...c.checks.map((x) => [x.name, x.a ?? '–', x.b ?? '–', x.regression ? 'REGRESSION' : ''])])
    : 'invariants: neither run has results.json';
  const verdict = c.regressions.length
    ? `${c.regressions.length} regression(s): ${c.regressions.join('; ')}`
    : 'no regression beyond noise';
  return [
    `A: ${c.a.run.dir}`,
    `B: ${c.b.run.dir}`,
    '',
    figures,
    '',
    checks,
    '',
    'regression tests:',
    ...regressionRules.describe().map((d) => `  - ${d}`),
    '',
    verdict,
  ].join('\n');
}
