import { relative, sep } from 'node:path';
import { escapeHtml } from './escapeHtml.ts';
import { htmlPage } from './htmlPage.ts';
import { htmlTable } from './htmlTable.ts';
import { faultPhrase, type SweepRow } from './readSweepRow.ts';
import { runFileNames } from '@flux-gate/run-format';
import { verdictBadge } from './verdictBadge.ts';

/** A link from the page's folder to a run's report, each path segment encoded. */
const reportLink = (from: string, runDir: string) => [...relative(from, runDir).split(sep), runFileNames.report].map(encodeURIComponent).join('/');

/** sweep.html: how many seeds passed, failed or were unknown, and each run with its faults and a link to its report. */
export function renderSweep(title: string, rows: SweepRow[], pageDir: string): string {
  const count = (v: string) => rows.filter((r) => r.verdict === v).length;
  const body = rows.map((r) => [
    { html: escapeHtml(String(r.seed ?? '–')), num: true },
    verdictBadge(r.verdict),
    { html: r.seconds === null ? '–' : `${r.seconds.toFixed(0)} s`, num: true },
    escapeHtml(r.failedCheckers.join(', ') || (r.error ?? '—')),
    r.faults.length ? `<ol>${r.faults.map((f) => `<li>${escapeHtml(faultPhrase(f))}</li>`).join('')}</ol>` : 'none',
    `<a href="${escapeHtml(reportLink(pageDir, r.dir))}">report</a> <code>${escapeHtml(relative(pageDir, r.dir))}</code>`,
  ]);
  return htmlPage(
    title,
    `<h1>${escapeHtml(title)}</h1><p class="meta">${rows.length} run(s): ${count('pass')} pass, ${count('fail')} fail, ${count('unknown')} unknown</p>` +
      htmlTable(['seed', 'verdict', 'wall', 'failing checkers', 'faults', 'run'], body),
  );
}
