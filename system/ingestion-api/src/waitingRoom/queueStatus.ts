import type { AdmissionClaims, QueueStatus } from '@flux-gate/contracts';
import type { TicketReading } from '../redis/WaitingQueue.ts';
import type { TicketClaims } from './QueueSigner.ts';

/** Shortest and longest poll interval suggested to a waiting buyer; the longest bounds how late a buyer learns of a sell-out. */
export const pollBoundsMs = { min: 250, max: 1000 } as const;

type Reading = Extract<TicketReading, { kind: 'ok' }>;

/**
 * The answer of GET /queue/:ticket from one reading of the queue. `rank` is the serving-counter
 * value that admits the ticket (its number, unless the broken random-order mode is on); `sign`
 * makes the admission token once the ticket is admitted, expiring `tokenTtlMs` after admission.
 */
export function queueStatus(ticket: string, claims: TicketClaims, rank: number, r: Reading, sign: (claims: AdmissionClaims) => string, tokenTtlMs: number): QueueStatus {
  const state = r.remaining <= 0 ? 'sold_out' : r.admittedAtMs !== null ? 'admitted' : 'waiting';
  const served = Math.floor(r.serving);
  const waiting = state === 'waiting';
  const ahead = waiting ? Math.max(0, rank - served - 1) : 0;
  const etaMs = waiting ? (r.paused ? null : Math.ceil(((rank - r.serving) * 1000) / r.ratePerSec)) : state === 'admitted' ? 0 : null;
  const pollMs = !waiting ? 0 : etaMs === null ? pollBoundsMs.max : Math.min(pollBoundsMs.max, Math.max(pollBoundsMs.min, Math.round(etaMs / 4)));
  const status: QueueStatus = {
    state,
    productId: claims.productId,
    ticket,
    number: claims.number,
    position: waiting ? ahead + 1 : 0,
    ahead,
    serving: served,
    issued: r.issued,
    ratePerSec: r.ratePerSec,
    paused: r.paused,
    etaMs,
    etaSeconds: etaMs === null ? null : Math.ceil(etaMs / 1000),
    pollMs,
    remaining: r.remaining,
  };
  if (state === 'admitted' && r.admittedAtMs !== null) {
    const exp = Math.floor((r.admittedAtMs + tokenTtlMs) / 1000);
    status.admissionToken = sign({ pid: claims.productId, tkt: claims.number, ep: claims.epoch, iat: Math.floor(r.admittedAtMs / 1000), exp });
    status.admissionExpiresAt = new Date(exp * 1000).toISOString();
  }
  return status;
}
