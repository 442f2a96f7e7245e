import type { LoadPlan } from './LoadPlan.ts';

/** Room for the processes to start (tsx compiles the engine) and to write what they did. */
const startAndEndMs = 60_000;
/** A spoiled admission token is held until it has expired before it is sent: lifetimes up to ten minutes (the API's default is 60 s). */
const heldTokenMs = 600_000;

/**
 * How long the engine's processes may run before they are stopped: the pre-sale phase and the
 * schedule, every attempt of the last arrival timing out after its longest backoff, a waiting buyer's
 * patience and a held token, and a minute to start and end. A run past it is a hung engine.
 */
export function loadDeadlineMs(plan: LoadPlan): number {
  const schedule = plan.stages.reduce((sum, s) => sum + s.durationMs, 0);
  if (plan.workload === 'kafka') return startAndEndMs + schedule + plan.timeoutMs;
  const presale = plan.presale?.durationMs ?? 0;
  const attempts = (plan.retries + 1) * (plan.timeoutMs + plan.backoff.maxMs);
  const waiting = plan.waitingRoom ? plan.waitingRoom.patienceMs + heldTokenMs + attempts : 0;
  return startAndEndMs + presale + schedule + attempts + waiting;
}
