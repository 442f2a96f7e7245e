import type { PresaleSummary } from '@flux-gate/run-format';
import { chartCanvases } from './chartCanvases.ts';
import { checksSection } from './checksSection.ts';
import { escapeHtml } from './escapeHtml.ts';
import { faultsSection } from './faultsSection.ts';
import { figuresSection } from './figuresSection.ts';
import { formatFigure } from './formatFigure.ts';
import { htmlPage } from './htmlPage.ts';
import { manifestSection } from './manifestSection.ts';
import { productRows, productsSection } from './productsSection.ts';
import { faultWindowSpecs, reportCharts } from './reportCharts.ts';
import { timelineSection } from './timelineSection.ts';
import { windowsSection } from './windowsSection.ts';
import type { RunSummary } from './summarizeRun.ts';
import { timingSection } from './timingSection.ts';
import { verdictBadge } from './verdictBadge.ts';

/** The pre-sale phase, when the load had one: it ran before the first order, and none of it is in the charts or the checks. */
function presaleNote(p: PresaleSummary | undefined): string {
  if (!p) return '';
  return ` Before the sale opened, a pre-sale phase browsed for ${formatFigure.seconds((p.endedAt - p.startedAt) / 1000)} (${formatFigure.time(p.startedAt)} to ${formatFigure.time(p.endedAt)}): ${formatFigure.count(p.requests)} GETs of product and waiting-room pages, ${formatFigure.count(p.errors)} failed, p50 ${formatFigure.ms(p.p50Ms)}, p99 ${formatFigure.ms(p.p99Ms)}; then ${formatFigure.count(p.connectionsOpened)} connections opened. The charts and the checks count only the sale.`;
}

/** The report page of one run, as a self-contained HTML string. */
export function renderReport(summary: RunSummary): string {
  const { run, digest } = summary;
  const m = run.manifest;
  const verdict = run.results?.verdict ?? 'unknown';
  const problems = [
    ...run.problems,
    ...(run.results?.error ? [`run error: ${run.results.error}`] : []),
    ...(digest.badLines ? [`${digest.badLines} unreadable line(s) of history.ndjson skipped`] : []),
  ];
  const charts = reportCharts(summary.charts);
  const body = `
<header>
<div>${verdictBadge(verdict, true)}${digest.dropped ? ` <b>${formatFigure.count(digest.dropped)} arrival(s) dropped at the in-flight cap: the offered load was not all sent</b>` : ''}</div>
<h1>${escapeHtml(m.experiment)}</h1>
<p class="meta">seed <b>${escapeHtml(m.seed)}</b> · git <code>${escapeHtml(m.gitSha)}</code>${m.gitDirty ? ' <b>(dirty)</b>' : ''} ·
ran ${formatFigure.time(m.startedAt)}${m.finishedAt ? ` for ${formatFigure.seconds((m.finishedAt - m.startedAt) / 1000)}` : ''} · run <code>${escapeHtml(m.runId)}</code></p>
${verdict === 'unknown' && !run.results ? '<p>No results.json: the verdict is unknown.</p>' : ''}
${problems.length ? `<div class="problems"><b>Missing or damaged:</b><ul>${problems.map((p) => `<li>${escapeHtml(p)}</li>`).join('')}</ul></div>` : ''}
</header>
${checksSection(run.results?.checks)}
${productsSection(productRows(run.finalState, digest.products, run.results?.checks ?? [], digest.firstDueTs))}
${figuresSection(summary, summary.server.overall)}
${timingSection(summary.figures.timing)}
<h2>Over time</h2>
<p class="meta">${formatFigure.count(digest.requests)} requests in ${digest.buckets.list().length} buckets of ${formatFigure.seconds(digest.buckets.widthMs / 1000)}; fault windows shaded.${presaleNote(run.load?.presale)}</p>
${chartCanvases(charts)}
${timelineSection(summary.lanes, faultWindowSpecs(summary.charts.faults), [(summary.span.from - m.startedAt) / 1000, (summary.span.to - m.startedAt) / 1000])}
${windowsSection(summary.windows, m.startedAt, run.finalState ? run.finalState.drained : null)}
${faultsSection(run.faults, m.startedAt)}
${manifestSection(run)}`;
  return htmlPage(`${verdict.toUpperCase()} · ${m.experiment}`, body, charts);
}
