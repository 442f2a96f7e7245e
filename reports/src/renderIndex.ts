import { escapeHtml } from './escapeHtml.ts';
import { formatFigure as f } from './formatFigure.ts';
import { htmlPage } from './htmlPage.ts';
import { htmlTable } from './htmlTable.ts';
import type { RunListing } from './listRuns.ts';
import type { KeyFigures } from '@flux-gate/run-format';
import { verdictBadge } from './verdictBadge.ts';

/** A run path as a URL path, each segment encoded. */
export const runUrl = (path: string) => `/${path.split('/').map(encodeURIComponent).join('/')}`;

/** The index page: every run with its verdict and key figures, a link to its report, and a form to compare two. */
export function renderIndex(root: string, runs: { listing: RunListing; figures: KeyFigures | null }[]): string {
  const rows = runs.map(({ listing: r, figures: k }, i) => [
    `<input type="radio" name="a" value="${escapeHtml(r.path)}" aria-label="A"${i === 1 ? ' checked' : ''}>`,
    `<input type="radio" name="b" value="${escapeHtml(r.path)}" aria-label="B"${i === 0 ? ' checked' : ''}>`,
    `<a href="${escapeHtml(runUrl(r.path))}/report.html">${escapeHtml(r.manifest.experiment)}</a>`,
    f.time(r.manifest.startedAt),
    verdictBadge(r.results?.verdict ?? 'unknown'),
    { html: f.rate(k?.reqPerSec), num: true },
    { html: f.count(k?.accepted), num: true },
    { html: f.count(k?.sold), num: true },
    { html: f.ms(k?.p99Ms), num: true },
    { html: f.percent(k?.errorRate), num: true },
    `<code>${escapeHtml(r.manifest.gitSha.slice(0, 10))}</code>${r.manifest.gitDirty ? ' (dirty)' : ''}`,
  ]);
  const table = runs.length
    ? `<form method="get" action="/compare">${htmlTable(
        ['A', 'B', 'experiment', 'ran', 'verdict', 'req/s', 'accepted', 'sold', 'p99', 'errors', 'git'],
        rows,
      )}<p><button type="submit">Compare B with baseline A</button></p></form>`
    : '<p>No runs yet. Make one with <code>npm run experiment &lt;name&gt;</code>.</p>';
  return htmlPage('Flux-Gate runs', `<h1>Flux-Gate runs</h1><p class="meta">${escapeHtml(root)} · ${runs.length} run(s), newest first</p>${table}`);
}
