import type { Verdict } from '@flux-gate/run-format';

/** A coloured PASS / FAIL / UNKNOWN label; `big` for the page header. */
export function verdictBadge(verdict: Verdict, big = false): string {
  const v = verdict === 'pass' || verdict === 'fail' ? verdict : 'unknown';
  return `<span class="${big ? 'verdict ' : ''}${v}">${v.toUpperCase()}</span>`;
}
