import { escapeHtml } from './escapeHtml.ts';
import { htmlTable } from './htmlTable.ts';
import type { FaultRecord } from '@flux-gate/run-format';

/** The fault timeline, times in seconds since the run started. */
export function faultsSection(faults: FaultRecord[], startedAt: number): string {
  if (!faults.length) return '<h2>Faults</h2><p class="meta">No faults were injected.</p>';
  const s = (ts: number | undefined) => (ts === undefined ? 'never' : `${((ts - startedAt) / 1000).toFixed(1)} s`);
  const rows = faults.map((x) => [
    escapeHtml(x.label),
    escapeHtml(x.kind),
    escapeHtml(x.target),
    { html: s(x.injectedAt), num: true },
    { html: s(x.healedAt), num: true },
    escapeHtml(x.error ?? ''),
  ]);
  return `<h2>Faults</h2>${htmlTable(['fault', 'kind', 'target', 'injected', 'healed', 'error'], rows)}`;
}
