import type { RedisClient } from './connectRedis.ts';
import { gateScripts } from './gateScripts.ts';
import type { SaleGate, TakeFn } from './SaleGate.ts';

/** The launch-wide count of units taken that the broken take keeps: one key for every product, with no hash tag. */
export const launchTakenKey = 'launch:taken';

/** The take script, then one more step: bump the launch-wide count (its key comes last, as KEYS[10]). */
const countingLua = gateScripts.take.lua.replace(/\nreturn 'ok'\n$/, "\nredis.call('INCR', KEYS[10])\nreturn 'ok'\n");

if (countingLua === gateScripts.take.lua) throw new Error("crossSlotTake: the take script no longer ends with return 'ok'");

interface CountingCommands {
  fluxgateTakeCounting(...args: (string | number)[]): Promise<string>;
}

/**
 * DELIBERATELY BROKEN (FLUXGATE_BROKEN_CROSS_SLOT_TAKE): the take script also counts every unit
 * taken in one launch-wide key, `launch:taken`, which carries no product's hash tag. On one Redis
 * (single, replicated) it sells as the gate does. On a Redis Cluster, a script's keys must share a
 * slot: for every product whose slot is not that key's, Redis refuses the take with CROSSSLOT
 * before running it, and the buyer gets 503. For the harness self-test only.
 */
export function crossSlotTake(redis: RedisClient, gate: SaleGate): TakeFn {
  redis.defineCommand('fluxgateTakeCounting', { numberOfKeys: 10, lua: countingLua });
  const counting = redis as RedisClient & CountingCommands;
  return (productId, userId, orderId, idempotencyKey, admission) => {
    const args = gate.takeArguments(productId, userId, orderId, idempotencyKey, admission);
    return counting.fluxgateTakeCounting(...args.keys, launchTakenKey, ...args.argv);
  };
}
