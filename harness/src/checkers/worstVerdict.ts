import type { Verdict } from '@flux-gate/run-format';

/** fail if any fails, else unknown if any is unknown, else pass. */
export function worstVerdict(verdicts: Iterable<Verdict>): Verdict {
  let worst: Verdict = 'pass';
  for (const v of verdicts) {
    if (v === 'fail') return 'fail';
    if (v === 'unknown') worst = 'unknown';
  }
  return worst;
}
