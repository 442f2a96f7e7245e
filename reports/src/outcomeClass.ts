import type { HistoryEntry } from './runFiles.ts';

/** The answer classes charted and counted: the system's expected answers, unknown, and the rest. */
export const outcomeClasses = ['200', '302', '409', '503', 'unknown', 'other'] as const;
export type OutcomeClass = (typeof outcomeClasses)[number];

/** The class of one request; no answer (status 0) or an unknown outcome is 'unknown'. */
export function outcomeClass(e: HistoryEntry): OutcomeClass {
  if (e.outcome === 'unknown' || e.status === 0) return 'unknown';
  const s = String(e.status);
  return s === '200' || s === '302' || s === '409' || s === '503' ? s : 'other';
}

/** An error is a request with no known answer or a 5xx answer; 302 and 409 are refusals, not errors. */
export function isError(e: HistoryEntry): boolean {
  return outcomeClass(e) === 'unknown' || e.status >= 500;
}
