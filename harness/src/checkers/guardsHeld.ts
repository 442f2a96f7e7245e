import type { CheckResult } from '@flux-gate/run-format';
import { firstTrip } from '../guards/GuardEvaluator.ts';
import type { CheckInput } from './CheckInput.ts';

const name = 'guards';

/**
 * Fails when an abort guard tripped, naming the guard and when; the trip is derived from the
 * stored evaluations in guards.json alone, as the live run derived it.
 */
export function guardsHeld(input: CheckInput): CheckResult {
  const log = input.guards;
  if (!log) return { name, verdict: 'unknown', summary: 'guards.json is missing: the guards were not evaluated (the run may have ended before its load).', counts: {}, witnesses: [] };
  const counts = { guards: log.guards.length, evaluations: log.observations.length };
  if (log.observations.length === 0) return { name, verdict: 'unknown', summary: `None of the ${log.guards.length} guard(s) was evaluated: no evaluation during the load.`, counts, witnesses: [] };
  const trip = firstTrip(log);
  if (!trip) return { name, verdict: 'pass', summary: `None of the ${log.guards.length} guard(s) tripped over ${log.observations.length} evaluation(s) during the load.`, counts, witnesses: [] };
  const at = new Date(trip.at).toISOString();
  return {
    name,
    verdict: 'fail',
    summary: `${trip.label} tripped at ${(trip.afterLoadStartMs / 1000).toFixed(1)} s into the load${log.rounds.length > 1 ? ` of round ${trip.round + 1}` : ''} (${at}): ${trip.observed}. The load was stopped and every fault healed.`,
    counts: { ...counts, guard: trip.guard, trippedAfterMs: trip.afterLoadStartMs, heldMs: trip.at - trip.since },
    witnesses: [{ note: `${trip.label} tripped at ${at}, holding since ${new Date(trip.since).toISOString()}: ${trip.observed}` }],
  };
}
