import type { QueueEntry } from '@flux-gate/run-format';

/** What the load saw of one ticket, from its waiting-room steps in the order they happened. */
export interface TicketTrack {
  productId: string;
  ticket: string;
  userId: string;
  key: string;
  /** Its fixed place in its product's queue; NaN when no answer gave it. */
  number: number;
  /** When the 302 handed it out. */
  issuedTs: number;
  /** Polls, by the time each was sent. */
  polls: QueueEntry[];
  /** When the last poll that found it waiting was sent; -Infinity when none did. */
  lastWaitingSentTs: number;
  /** When the first answer saying admitted (or sold_out) came; absent when none did. */
  admittedTs?: number;
  soldOutTs?: number;
  /** The first ETA it was shown, and when that answer came. */
  firstEta?: { etaMs: number; shownTs: number };
  /** Why and when its buyer stopped waiting without an outcome ('patience', 'stopped'). */
  gaveUp?: { ts: number; why: string };
}

/** Every ticket of the queue history, keyed by product and ticket. */
export function ticketTracks(queue: readonly QueueEntry[]): TicketTrack[] {
  const tracks = new Map<string, TicketTrack>();
  const track = (e: QueueEntry): TicketTrack => {
    const id = `${e.productId}\u0000${e.ticket}`;
    let t = tracks.get(id);
    if (!t) {
      t = { productId: e.productId, ticket: e.ticket, userId: e.userId, key: e.key, number: Number.NaN, issuedTs: e.ts, polls: [], lastWaitingSentTs: -Infinity };
      tracks.set(id, t);
    }
    if (e.number !== undefined && Number.isNaN(t.number)) t.number = e.number;
    return t;
  };
  for (const e of queue) {
    const t = track(e);
    if (e.step === 'ticket') t.issuedTs = Math.min(t.issuedTs, e.ts);
    else if (e.step === 'gave_up') t.gaveUp = { ts: e.ts, why: e.error ?? 'patience' };
    else t.polls.push(e);
  }
  for (const t of tracks.values()) {
    t.polls.sort((a, b) => a.ts - b.ts);
    for (const p of t.polls) {
      const end = p.endTs ?? p.ts;
      if (p.state === 'waiting') {
        t.lastWaitingSentTs = Math.max(t.lastWaitingSentTs, p.ts);
        if (!t.firstEta && p.etaMs !== undefined) t.firstEta = { etaMs: p.etaMs, shownTs: end };
      } else if (p.state === 'admitted') t.admittedTs = Math.min(t.admittedTs ?? Infinity, end);
      else if (p.state === 'sold_out') t.soldOutTs = Math.min(t.soldOutTs ?? Infinity, end);
    }
  }
  return [...tracks.values()];
}
