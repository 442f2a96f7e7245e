import { type CheckResult, nearestRankQuantile, type Verdict, type Witness } from '@flux-gate/run-format';
import type { CheckInput } from './CheckInput.ts';
import { ticketTracks } from './ticketTracks.ts';
import { defaultWaitingRoomBudgets } from './waitingRoomBudgets.ts';
import { firstWitnesses } from './witness.ts';

/** Fewer admitted tickets with an ETA than this, and the median says nothing. */
const minTickets = 10;

/**
 * eta_accuracy: the first ETA each admitted ticket was shown against when it was really admitted.
 * The admission happened between the last poll that found the ticket waiting (sent) and the first
 * that found it admitted (answered); a prediction inside that window has no error, one outside it
 * errs by its distance to the window, so the poll interval adds no error of its own. Passes when
 * the median error is within the budget; beyond it fails, or is unknown when a fault was injected
 * (a fault may slow admission after the ETA was shown). Unknown with fewer than 10 admitted tickets.
 */
export function etaAccuracy(input: CheckInput): CheckResult {
  const budget = input.thresholds.waitingRoom?.etaMedianErrorMs ?? defaultWaitingRoomBudgets.etaMedianErrorMs;
  const judged: { error: number; wait: number; seenAfter: number; witness: Witness }[] = [];
  for (const t of ticketTracks(input.queue ?? [])) {
    if (t.admittedTs === undefined || !t.firstEta) continue;
    const predicted = t.firstEta.shownTs + t.firstEta.etaMs;
    const error = predicted < t.lastWaitingSentTs ? t.lastWaitingSentTs - predicted : predicted > t.admittedTs ? t.admittedTs - predicted : 0;
    const wait = t.admittedTs - t.firstEta.shownTs;
    judged.push({ error, wait, seenAfter: t.admittedTs - predicted, witness: { userId: t.userId, productId: t.productId, note: `ticket #${t.number} shown an ETA of ${Math.round(t.firstEta.etaMs)} ms, admitted after ${Math.round(wait)} ms (${error > 0 ? 'late' : 'early'} by ${Math.round(Math.abs(error))} ms)` } });
  }
  const errors = judged.map((j) => Math.abs(j.error)).sort((a, b) => a - b);
  const median = nearestRankQuantile(errors, 0.5);
  const p90 = nearestRankQuantile(errors, 0.9);
  const late = judged.filter((j) => j.error > 0).length;
  const medianWait = nearestRankQuantile(judged.map((j) => j.wait).sort((a, b) => a - b), 0.5);
  // What the buyer lived: from the time shown to the answer that let it in (the poll interval included).
  const medianSeenAfter = nearestRankQuantile(judged.map((j) => j.seenAfter).sort((a, b) => a - b), 0.5);
  const over = median > budget;
  const verdict: Verdict = judged.length < minTickets ? 'unknown' : over ? (input.faults.length ? 'unknown' : 'fail') : 'pass';
  const figures = `median error ${Math.round(median)} ms, p90 ${Math.round(p90)} ms over ${judged.length} admitted ticket(s) (median wait ${Math.round(medianWait)} ms; ${late} admitted later than shown; the buyer saw its admission a median ${Math.round(medianSeenAfter)} ms after the time shown)`;
  const summaries: Record<Verdict, string> = {
    unknown: judged.length < minTickets ? `${judged.length} admitted ticket(s) were shown an ETA: fewer than ${minTickets}, too few to judge.` : `ETA ${figures}: over the ${budget} ms budget, with ${input.faults.length} fault(s) that may explain it.`,
    fail: `ETA ${figures}: over the ${budget} ms budget.`,
    pass: `ETA ${figures}, within the ${budget} ms budget.`,
  };
  const worst = [...judged].sort((a, b) => Math.abs(b.error) - Math.abs(a.error));
  return {
    name: 'eta_accuracy',
    verdict,
    summary: summaries[verdict],
    counts: {
      judged: judged.length,
      medianErrorMs: Number.isNaN(median) ? -1 : Math.round(median),
      p90ErrorMs: Number.isNaN(p90) ? -1 : Math.round(p90),
      medianWaitMs: Number.isNaN(medianWait) ? -1 : Math.round(medianWait),
      medianSeenAfterMs: Number.isNaN(medianSeenAfter) ? -1 : Math.round(medianSeenAfter),
      admittedLate: late,
      budgetMs: budget,
    },
    witnesses: over ? firstWitnesses(worst.map((j) => j.witness)) : [],
  };
}
