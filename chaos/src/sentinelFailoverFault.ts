import type { Fault, FaultIdentity, SentinelControl } from './Fault.ts';

/** How long heal waits for the Sentinels to name a new primary. */
const failoverWaitMs = 30_000;

/**
 * A forced Sentinel failover: inject notes the primary the Sentinels name and asks them to fail
 * over; heal waits (up to 30 s) until they name another node, and throws saying so when they do
 * not. The record names the primary it took the role from.
 */
export function sentinelFailoverFault(identity: FaultIdentity, sentinels: SentinelControl, sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))): Fault {
  let before: string | undefined;
  return {
    ...identity,
    resolved: () => (before ? { nodes: [before] } : undefined),
    async inject() {
      before = await sentinels.primary();
      if (!before) throw new Error(`${identity.label}: no Sentinel names a primary`);
      await sentinels.failover();
    },
    async heal() {
      if (!before) return;
      const until = Date.now() + failoverWaitMs;
      for (;;) {
        const now = await sentinels.primary().catch(() => undefined);
        if (now && now !== before) return;
        if (Date.now() > until) throw new Error(`${identity.label}: the Sentinels still name ${now ?? 'no primary'} ${failoverWaitMs / 1000}s after the failover was asked (it was ${before})`);
        await sleep(200);
      }
    },
  };
}
