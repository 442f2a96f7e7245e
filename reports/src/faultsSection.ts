import { escapeHtml } from './escapeHtml.ts';
import { htmlTable } from './htmlTable.ts';
import type { FaultRecord } from '@flux-gate/run-format';

/** The nodes a fault resolved to at inject; for a partition, its sides, each cut from the others. */
function nodesCell(x: FaultRecord): string {
  if (x.groups?.length) {
    const sides = x.groups.map((g) => escapeHtml(g.join(', '))).join(' <b>✂</b> ');
    const bridge = (x.nodes ?? []).filter((n) => !x.groups!.some((g) => g.includes(n)));
    return bridge.length ? `${sides} (bridge: ${escapeHtml(bridge.join(', '))})` : sides;
  }
  return escapeHtml((x.nodes ?? []).join(', '));
}

/** The fault timeline, times in seconds since the run started. */
export function faultsSection(faults: FaultRecord[], startedAt: number): string {
  if (!faults.length) return '<h2>Faults</h2><p class="meta">No faults were injected.</p>';
  const s = (ts: number | undefined) => (ts === undefined ? 'never' : `${((ts - startedAt) / 1000).toFixed(1)} s`);
  const rows = faults.map((x) => [
    escapeHtml(x.label),
    escapeHtml(x.kind),
    escapeHtml(x.target),
    nodesCell(x),
    { html: s(x.injectedAt), num: true },
    { html: s(x.healedAt), num: true },
    escapeHtml(x.error ?? ''),
  ]);
  return `<h2>Faults</h2>${htmlTable(['fault', 'kind', 'target', 'nodes (sides cut apart)', 'injected', 'healed', 'error'], rows)}`;
}
