import { type CheckResult, type HistoryEntry, nearestRankQuantile, type Verdict, type Witness } from '@flux-gate/run-format';
import type { CheckInput } from './CheckInput.ts';
import { groupBy } from './groupBy.ts';
import { type TicketTrack, ticketTracks } from './ticketTracks.ts';
import { defaultWaitingRoomBudgets } from './waitingRoomBudgets.ts';
import { firstWitnesses } from './witness.ts';

const endOf = (e: HistoryEntry) => (e.intendedTs ?? e.ts) + e.latencyMs;

/**
 * The moment a product's last unit went, as early as the history allows: the send time of the last
 * order answered 200 (the unit was taken after it was sent). Starting the clock there can only make
 * a buyer's wait look longer. Absent when the product never sold out.
 */
function soldOutAt(productId: string, requests: HistoryEntry[], tracks: TicketTrack[], input: CheckInput): number | undefined {
  const row = input.final.products.find((p) => p.productId === productId);
  const toldSoldOut = requests.some((e) => e.error === 'sold_out') || tracks.some((t) => t.soldOutTs !== undefined);
  if (!toldSoldOut && !(row && row.dbStock === 0)) return undefined;
  const last = requests.reduce((max, e) => (e.outcome === 'ok' ? Math.max(max, e.sentTs ?? e.ts) : max), -Infinity);
  return last === -Infinity ? undefined : last;
}

/**
 * no_wait_after_sold_out: once the stock is gone nobody keeps waiting for it. For every ticket still
 * waiting when the last unit was sold (or handed out after), the time until its buyer was told: a
 * poll answering sold_out, or the 409 sold_out of the order it placed once admitted. Each must be
 * within the budget (2 s by default). A buyer who gave up within the budget is excused; one who
 * waited longer, never told, fails. A buyer the load stopped following leaves the answer unknown.
 */
export function noWaitAfterSoldOut(input: CheckInput): CheckResult {
  const budget = input.thresholds.waitingRoom?.soldOutNoticeMs ?? defaultWaitingRoomBudgets.soldOutNoticeMs;
  const byProduct = groupBy(ticketTracks(input.queue ?? []), (t) => t.productId);
  const requests = groupBy(input.history, (e) => e.productId);
  const tokenSoldOut = new Map<string, number>();
  for (const e of input.history) if (e.token === 'admitted' && e.error === 'sold_out') tokenSoldOut.set(e.key, Math.min(tokenSoldOut.get(e.key) ?? Infinity, endOf(e)));
  const delays: number[] = [];
  const late: Witness[] = [];
  const counts = { soldOutProducts: 0, waiting: 0, told: 0, late: 0, leftInTime: 0, unfollowed: 0, maxDelayMs: 0 };
  for (const [productId, tracks] of byProduct) {
    const start = soldOutAt(productId, requests.get(productId) ?? [], tracks, input);
    if (start === undefined) continue;
    counts.soldOutProducts++;
    for (const t of tracks) {
      if ((t.admittedTs !== undefined && t.admittedTs < start) || (t.gaveUp && t.gaveUp.ts < start)) continue;
      counts.waiting++;
      const from = Math.max(start, t.issuedTs);
      const told = Math.min(t.soldOutTs ?? Infinity, tokenSoldOut.get(t.key) ?? Infinity);
      const who = { userId: t.userId, productId };
      if (told !== Infinity) {
        const delay = Math.max(0, told - from);
        counts.told++;
        delays.push(delay);
        if (delay > budget) {
          counts.late++;
          late.push({ ...who, note: `ticket #${t.number} told sold out ${Math.round(delay)} ms after the last unit went` });
        }
      } else if (t.gaveUp && t.gaveUp.why !== 'stopped' && t.gaveUp.ts - from <= budget) counts.leftInTime++;
      else if (t.gaveUp && t.gaveUp.why !== 'stopped') {
        counts.late++;
        late.push({ ...who, note: `ticket #${t.number} waited ${Math.round(t.gaveUp.ts - from)} ms after the last unit went, never told, and gave up` });
      } else counts.unfollowed++;
    }
  }
  delays.sort((a, b) => a - b);
  counts.maxDelayMs = Math.round(delays.at(-1) ?? 0);
  const p99 = Math.round(nearestRankQuantile(delays, 0.99));
  const verdict: Verdict = counts.late ? 'fail' : counts.unfollowed || counts.waiting === 0 ? 'unknown' : 'pass';
  const summaries: Record<Verdict, string> = {
    fail: `${counts.late} of ${counts.waiting} buyer(s) waiting when the stock ran out were not told within ${budget} ms (max ${counts.maxDelayMs} ms).`,
    unknown: counts.waiting
      ? `${counts.unfollowed} of ${counts.waiting} waiting buyer(s) were not followed to the end (the load stopped), so their notice is unknown; the others were told within ${counts.maxDelayMs} ms.`
      : counts.soldOutProducts
        ? 'No buyer was waiting when the stock ran out: nothing to judge.'
        : 'No product sold out: nothing to judge.',
    pass: `All ${counts.told} buyer(s) waiting when the stock ran out were told within ${budget} ms: max ${counts.maxDelayMs} ms, p99 ${p99} ms${counts.leftInTime ? ` (${counts.leftInTime} more gave up within the budget)` : ''}.`,
  };
  return { name: 'no_wait_after_sold_out', verdict, summary: summaries[verdict], counts, witnesses: firstWitnesses(late) };
}
