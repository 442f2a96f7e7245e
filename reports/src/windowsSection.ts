import type { WindowCounts } from '@flux-gate/run-format';
import { escapeHtml } from './escapeHtml.ts';
import { formatFigure as f } from './formatFigure.ts';
import { htmlTable } from './htmlTable.ts';

/** A window's span in seconds since the run started: "12.0–18.5 s", "start–12.0 s", "18.5 s–end". */
export function windowSpan(w: Pick<WindowCounts, 'from' | 'to'>, startedAt: number): string {
  const s = (ts: number) => ((ts - startedAt) / 1000).toFixed(1);
  return w.to === null ? `${w.from === null ? 'start' : `${s(w.from)} s`}–end` : `${w.from === null ? 'start' : s(w.from)}–${s(w.to)} s`;
}

/** The counts per fault window as a table; a window with broken promises is marked. */
export function windowsSection(windows: WindowCounts[], startedAt: number, drained: boolean | null): string {
  if (windows.length === 0) return '';
  const rows = windows.map((w) => {
    const broken = (w.brokenPromises ?? 0) > 0;
    const num = (v: number | null) => ({ html: f.count(v), num: true });
    return [
      w.kind === 'fault' ? escapeHtml(w.label) : `<i>${escapeHtml(w.label)}</i>`,
      { html: windowSpan(w, startedAt), num: true },
      num(w.arrivals),
      num(w.accepted),
      num(w.refused),
      num(w.open),
      num(w.dropped),
      { html: f.count(w.brokenPromises), num: true, className: broken ? 'regression' : '' },
      { html: w.brokenPromises === null ? '' : `${f.count(w.acceptedThenRejected)} rejected, ${f.count(w.acceptedThenMissing)} missing`, className: broken ? 'regression' : '' },
    ];
  });
  const note =
    'An arrival (one Idempotency-Key) counts in the window its first attempt was due in, by its final outcome: accepted (a 200 on any attempt), refused (302, 4xx, a 503 holding nothing), open (no decisive answer: timeout, reset, 5xx) or dropped (in-flight cap). ' +
    'Broken promises: accepted, then rejected in PostgreSQL or with no row there after the drain. Fault windows overlap when faults do; calm windows (in italics) overlap nothing.' +
    (drained === false ? ' <b>The worker did not drain: missing rows may still have been on their way.</b>' : drained === null ? ' No final state: broken promises were not counted.' : '');
  return `<h2>Per fault window</h2>${htmlTable(['window', 'seconds', 'arrivals', 'accepted', 'refused', 'open', 'dropped', 'broken promises', 'of which'], rows)}<p class="meta">${note}</p>`;
}
