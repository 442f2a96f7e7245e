import { type GuardLog, type GuardObservation, type GuardSpec, isError, type Sample } from '@flux-gate/run-format';
import { FileTail } from '../runner/FileTail.ts';
import { GuardEvaluator, type GuardTrip } from './GuardEvaluator.ts';
import { guardIntervalMs } from './guardSchema.ts';

export interface GuardWatchOptions {
  round: number;
  /** The round's growing history.ndjson (or records.ndjson) as the load engine writes it. */
  file: string;
  workload: 'http' | 'kafka';
  /** The sampler's newest sample. */
  sample: () => Sample | undefined;
  /** Called once, when a guard trips: stop the load and heal the faults. */
  onTrip: (trip: GuardTrip) => void;
}

/** A round's guard evaluations, every 500 ms until stop(). */
export interface StartedGuardWatch {
  stop(): void;
  [Symbol.dispose](): void;
}

/** An answer that counts as an error: for HTTP the report's definition (isError), for a record anything but the broker's ack. */
function isErrorLine(entry: { outcome?: unknown; status?: unknown }, workload: 'http' | 'kafka'): boolean {
  if (workload === 'kafka') return entry.outcome !== 'ok';
  return isError({ outcome: entry.outcome as 'ok', status: Number(entry.status ?? 0) });
}

/**
 * Evaluates a run's abort guards during its load and keeps every evaluation for guards.json. Each
 * evaluation counts the answers the load engine wrote since the one before (and how many were errors)
 * and takes the sampler's newest Redis stock and Kafka lag; GuardEvaluator decides when a guard trips.
 */
export class GuardMonitor {
  readonly log: GuardLog;
  readonly #evaluator: GuardEvaluator;

  constructor(guards: GuardSpec[]) {
    this.log = { guards, rounds: [], observations: [] };
    this.#evaluator = new GuardEvaluator(guards, (round) => this.log.rounds.find((r) => r.round === round)?.loadStartedAt);
  }

  get tripped(): GuardTrip | null {
    return this.#evaluator.tripped;
  }

  /** Starts evaluating one round's load, from now. */
  watch(o: GuardWatchOptions): StartedGuardWatch {
    const loadStartedAt = Date.now();
    this.log.rounds.push({ round: o.round, loadStartedAt });
    const tail = new FileTail(o.file);
    let fired = this.tripped !== null;
    const tick = () => {
      let answers = 0;
      let errors = 0;
      for (const line of tail.lines()) {
        let entry: { outcome?: unknown; status?: unknown };
        try {
          entry = JSON.parse(line) as typeof entry;
        } catch {
          continue;
        }
        if (entry.outcome === 'dropped') continue;
        answers++;
        if (isErrorLine(entry, o.workload)) errors++;
      }
      // A sample taken before this round's load began describes the arming, not the load.
      const s = o.sample();
      const fresh = s && s.ts >= loadStartedAt ? s : undefined;
      const observation: GuardObservation = { ts: Date.now(), round: o.round, answers, errors, redisStock: fresh?.redisStock ?? null, kafkaLag: fresh?.kafkaLag ?? null };
      this.log.observations.push(observation);
      const trip = this.#evaluator.observe(observation);
      if (trip && !fired) {
        fired = true;
        o.onTrip(trip);
      }
    };
    const timer = setInterval(tick, guardIntervalMs);
    const stop = () => clearInterval(timer);
    return { stop, [Symbol.dispose]: stop };
  }
}
