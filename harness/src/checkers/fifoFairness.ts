import type { CheckResult, Verdict, Witness } from '@flux-gate/run-format';
import type { CheckInput } from './CheckInput.ts';
import { groupBy } from './groupBy.ts';
import { type TicketTrack, ticketTracks } from './ticketTracks.ts';
import { defaultWaitingRoomBudgets } from './waitingRoomBudgets.ts';
import { firstWitnesses } from './witness.ts';

interface Inversion {
  admitted: TicketTrack;
  waiting: TicketTrack;
  gap: number;
}

/** Smallest index in [0, end) whose value exceeds `t`, in an ascending array; -1 when none does. */
function firstAbove(ascending: number[], end: number, t: number): number {
  let lo = 0;
  let hi = end;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ascending[mid]! > t) hi = mid;
    else lo = mid + 1;
  }
  return lo < end ? lo : -1;
}

/**
 * The inversions of one product's queue. Ticket B is admitted out of order when a ticket A more than
 * `tolerance` places before it was still found waiting by a poll sent after B's admission was
 * answered: at that moment B was in and A was not. The pair is certain whatever the poll interval:
 * B's admission happened before its answer came, A's waiting after its poll was sent. Each admitted
 * ticket counts once, paired with the earliest such A (the widest jump).
 */
function inversions(tracks: TicketTrack[], tolerance: number): Inversion[] {
  const numbered = tracks.filter((t) => !Number.isNaN(t.number)).sort((a, b) => a.number - b.number);
  const prefixMax: number[] = [];
  for (const t of numbered) prefixMax.push(Math.max(prefixMax.at(-1) ?? -Infinity, t.lastWaitingSentTs));
  const numbers = numbered.map((t) => t.number);
  const found: Inversion[] = [];
  for (const b of numbered) {
    if (b.admittedTs === undefined) continue;
    const before = firstAbove(numbers, numbers.length, b.number - tolerance - 1); // tickets numbered < b.number - tolerance
    const i = firstAbove(prefixMax, before === -1 ? numbers.length : before, b.admittedTs);
    if (i === -1) continue;
    found.push({ admitted: b, waiting: numbered[i]!, gap: b.number - numbered[i]!.number });
  }
  return found;
}

/**
 * fifo_fairness: the waiting room admits in ticket order. Counts the admissions out of order beyond
 * the stated tolerance (in places) and names the worst, the widest jump over a ticket still waiting.
 * Unknown with fewer than two admissions seen: nothing to order.
 */
export function fifoFairness(input: CheckInput): CheckResult {
  const tolerance = input.thresholds.waitingRoom?.fifoTolerance ?? defaultWaitingRoomBudgets.fifoTolerance;
  const tracks = ticketTracks(input.queue ?? []);
  const all: Inversion[] = [];
  let admitted = 0;
  for (const product of groupBy(tracks, (t) => t.productId).values()) {
    admitted += product.filter((t) => t.admittedTs !== undefined).length;
    all.push(...inversions(product, tolerance));
  }
  all.sort((a, b) => b.gap - a.gap);
  const worst = all[0];
  const origin = Math.min(...tracks.map((t) => t.issuedTs));
  const at = (ts: number) => `${((ts - origin) / 1000).toFixed(3)} s`;
  const describe = (v: Inversion) =>
    `ticket #${v.admitted.number} admitted (answer at ${at(v.admitted.admittedTs!)}) while #${v.waiting.number}, ${v.gap} place(s) earlier, still waited (poll sent at ${at(v.waiting.lastWaitingSentTs)})`;
  const witnesses: Witness[] = all.map((v) => ({ userId: v.admitted.userId, productId: v.admitted.productId, note: describe(v) }));
  const verdict: Verdict = admitted < 2 ? 'unknown' : all.length ? 'fail' : 'pass';
  const summaries: Record<Verdict, string> = {
    unknown: `${admitted} admission(s) seen in ${tracks.length} ticket(s): too few to judge the order.`,
    fail: `${all.length} of ${admitted} admission(s) out of ticket order beyond the tolerance of ${tolerance} place(s); the worst: ${worst ? describe(worst) : ''}.`,
    pass: `0 of ${admitted} admission(s) out of ticket order beyond the tolerance of ${tolerance} place(s), over ${tracks.length} ticket(s).`,
  };
  return {
    name: 'fifo_fairness',
    verdict,
    summary: summaries[verdict],
    counts: { tickets: tracks.length, admitted, inversions: all.length, worstGap: worst?.gap ?? 0, tolerance },
    witnesses: firstWitnesses(witnesses),
  };
}
