import { chartCanvases } from './chartCanvases.ts';
import { comparisonCharts } from './comparisonCharts.ts';
import { regressionRules, type Comparison } from './compareRuns.ts';
import { escapeHtml } from './escapeHtml.ts';
import { figureDelta } from './figureDelta.ts';
import { formatFigure } from './formatFigure.ts';
import { htmlPage } from './htmlPage.ts';
import { htmlTable } from './htmlTable.ts';
import type { RunSummary } from './summarizeRun.ts';
import { verdictBadge } from './verdictBadge.ts';

/**
 * The comparison page of run B against baseline A. `reportHref` gives the link to a run's report
 * as seen from where the page will be opened.
 */
export function renderComparison(c: Comparison, reportHref: (run: RunSummary) => string): string {
  const runRow = (tag: string, s: RunSummary) => {
    const m = s.run.manifest;
    return [
      tag,
      `<a href="${escapeHtml(reportHref(s))}">${escapeHtml(m.experiment)}</a>`,
      formatFigure.time(m.startedAt),
      escapeHtml(m.seed),
      `<code>${escapeHtml(m.gitSha.slice(0, 12))}</code>${m.gitDirty ? ' (dirty)' : ''}`,
      verdictBadge(s.run.results?.verdict ?? 'unknown'),
    ];
  };
  const regressed = c.regressions.length > 0;
  const figures = htmlTable(
    ['figure', 'A', 'B', 'B − A', 'regression?', 'test'],
    c.figures.map((f) => {
      const cls = f.regression ? 'regression' : '';
      return [
        { html: escapeHtml(f.name), className: cls },
        { html: formatFigure[f.format](f.a), num: true, className: cls },
        { html: formatFigure[f.format](f.b), num: true, className: cls },
        { html: figureDelta(f), num: true, className: cls },
        { html: f.regression ? '<b>yes</b>' : f.test ? 'no' : 'not tested', className: cls },
        { html: escapeHtml(f.test ?? ''), className: cls },
      ];
    }),
  );
  const checks = c.checks.length
    ? htmlTable(
        ['invariant', 'A', 'B'],
        c.checks.map((x) => [
          { html: escapeHtml(x.name), className: x.regression ? 'regression' : '' },
          x.a ? verdictBadge(x.a) : '–',
          x.b ? verdictBadge(x.b) : '–',
        ]),
      )
    : '<p class="meta">Neither run has results.json.</p>';
  const charts = comparisonCharts(c);
  const body = `
<header>
<div><span class="verdict ${regressed ? 'fail' : 'pass'}">${regressed ? 'REGRESSION' : 'NO REGRESSION'}</span></div>
<h1>B compared with baseline A</h1>
${htmlTable(['', 'experiment', 'ran', 'seed', 'git', 'verdict'], [runRow('A', c.a), runRow('B', c.b)])}
${regressed ? `<ul>${c.regressions.map((r) => `<li>${escapeHtml(r)}</li>`).join('')}</ul>` : '<p>No difference beyond noise.</p>'}
</header>
<h2>Key figures</h2>${figures}
<p class="meta">Flagged only beyond noise:</p><ul class="meta">${regressionRules
    .describe()
    .map((d) => `<li>${escapeHtml(d)}</li>`)
    .join('')}</ul>
<h2>Invariants</h2>${checks}
<h2>Over time</h2>
<p class="meta">A solid, B dashed; seconds since each run started.</p>
${chartCanvases(charts)}`;
  return htmlPage(`${regressed ? 'REGRESSION' : 'no regression'} · ${c.b.run.manifest.experiment} vs ${c.a.run.manifest.experiment}`, body, charts);
}
