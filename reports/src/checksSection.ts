import { escapeHtml } from './escapeHtml.ts';
import { htmlTable } from './htmlTable.ts';
import type { CheckResult, Witness } from '@flux-gate/run-format';
import { verdictBadge } from './verdictBadge.ts';
import { witnessFields } from './witnessText.ts';

function witnesses(list: Witness[], open: boolean): string {
  if (!list.length) return '';
  const table = htmlTable(
    witnessFields.map(([, h]) => h),
    list.map((w) => witnessFields.map(([k]) => `<code>${escapeHtml(w[k] ?? '')}</code>`)),
  );
  return `<details${open ? ' open' : ''}><summary>${list.length} witness${list.length === 1 ? '' : 'es'}</summary>${table}</details>`;
}

/** The invariant table: each check's verdict, summary, counts and witnesses. */
export function checksSection(checks: CheckResult[] | undefined): string {
  if (!checks) return '<h2>Invariants</h2><p class="meta">No results.json: the invariants were not checked (the run may have crashed).</p>';
  const rows = checks.map((c) => [
    escapeHtml(c.name),
    verdictBadge(c.verdict),
    `${escapeHtml(c.summary)}${witnesses(c.witnesses ?? [], c.verdict === 'fail')}`,
    Object.entries(c.counts ?? {})
      .map(([k, v]) => `${escapeHtml(k)}: ${escapeHtml(v)}`)
      .join('<br>'),
  ]);
  return `<h2>Invariants</h2>${htmlTable(['check', 'verdict', 'summary', 'counts'], rows)}`;
}
