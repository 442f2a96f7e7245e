import type { GuardLog, GuardObservation, GuardSpec } from '@flux-gate/run-format';
import { describeGuard } from './describeGuard.ts';

/** A guard that tripped: which, when, and what was seen. */
export interface GuardTrip {
  /** Its index in the experiment's `guards`. */
  guard: number;
  label: string;
  round: number;
  /** When it tripped (epoch ms), and how long after its round's load started. */
  at: number;
  afterLoadStartMs: number;
  /** When its condition began to hold without a break. */
  since: number;
  /** What was seen at the trip, in words. */
  observed: string;
}

/** The guard's measure at one evaluation, or null when there is nothing to judge by (no answers, no sample). */
function measure(guard: GuardSpec, recent: GuardObservation[], now: GuardObservation): { value: number; text: string } | null {
  if (guard.kind === 'error_rate') {
    const inWindow = recent.filter((o) => o.ts > now.ts - guard.window);
    const answers = inWindow.reduce((n, o) => n + o.answers, 0);
    const errors = inWindow.reduce((n, o) => n + o.errors, 0);
    if (answers === 0) return null;
    return { value: errors / answers, text: `error rate ${((errors / answers) * 100).toFixed(1)}% (${errors} of ${answers} answers in the last ${guard.window} ms)` };
  }
  if (guard.kind === 'redis_stock_below') return now.redisStock === null ? null : { value: now.redisStock, text: `Redis stock ${now.redisStock}` };
  return now.kafkaLag === null ? null : { value: now.kafkaLag, text: `Kafka lag ${now.kafkaLag}` };
}

const holds = (guard: GuardSpec, value: number): boolean =>
  guard.kind === 'error_rate' ? value > guard.above : guard.kind === 'redis_stock_below' ? value < guard.value : value > guard.value;

/**
 * Folds the guards' evaluations one at a time and says when one trips: its condition held at every
 * evaluation of its round for `for` (an evaluation with nothing to judge by, such as no answers in the
 * window, neither breaks nor extends the streak). The live run and `npm run check` fold the same
 * stored observations, so both find the same trip.
 */
export class GuardEvaluator {
  tripped: GuardTrip | null = null;
  #since: (number | null)[];
  #recent: GuardObservation[] = [];
  #round = -1;
  readonly #longestWindow: number;

  constructor(
    private readonly guards: GuardSpec[],
    private readonly loadStartedAt: (round: number) => number | undefined,
  ) {
    this.#since = guards.map(() => null);
    this.#longestWindow = Math.max(0, ...guards.map((g) => (g.kind === 'error_rate' ? g.window : 0)));
  }

  /** Takes one evaluation; returns the trip once a guard trips (and from then on). */
  observe(now: GuardObservation): GuardTrip | null {
    if (this.tripped) return this.tripped;
    if (now.round !== this.#round) {
      this.#round = now.round;
      this.#since = this.guards.map(() => null);
      this.#recent = [];
    }
    this.#recent.push(now);
    this.#recent = this.#recent.filter((o) => o.ts > now.ts - this.#longestWindow);
    for (const [i, guard] of this.guards.entries()) {
      const m = measure(guard, this.#recent, now);
      if (m === null) continue;
      if (!holds(guard, m.value)) {
        this.#since[i] = null;
        continue;
      }
      const since = (this.#since[i] ??= now.ts);
      if (now.ts - since >= guard.for) {
        const start = this.loadStartedAt(now.round) ?? now.ts;
        this.tripped = { guard: i, label: `guards[${i}]: ${describeGuard(guard)}`, round: now.round, at: now.ts, afterLoadStartMs: now.ts - start, since, observed: m.text };
        return this.tripped;
      }
    }
    return null;
  }
}

/** The first trip over a stored guard log, or null when no guard tripped. */
export function firstTrip(log: GuardLog): GuardTrip | null {
  const starts = new Map(log.rounds.map((r) => [r.round, r.loadStartedAt]));
  const evaluator = new GuardEvaluator(log.guards, (round) => starts.get(round));
  for (const o of log.observations) if (evaluator.observe(o)) break;
  return evaluator.tripped;
}
