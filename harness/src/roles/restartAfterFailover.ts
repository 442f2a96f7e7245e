import type { ControllableProcess } from '@flux-gate/chaos';
import type { RoleReader } from '@flux-gate/stack';

const failoverWaitMs = 30_000;

/**
 * A Redis node whose restart first waits (up to 30 s) until the Sentinels name another node
 * primary. Redis runs without persistence here: a primary started again before the failover would
 * come back empty and still primary, and its replicas would copy the empty data set. Once another
 * node is primary, the Sentinels turn the restarted node into its replica. On a Redis Cluster of
 * `shards` shards it waits until `shards` other nodes are primaries (its replica took its slots
 * over); the restarted node then rejoins as that replica's replica, its slots claimed at a newer epoch.
 */
export function restartAfterFailover(process: ControllableProcess, reader: RoleReader, log: (line: string) => void, shards = 1): ControllableProcess {
  return {
    get name() {
      return process.name;
    },
    get pid() {
      return process.pid;
    },
    get running() {
      return process.running;
    },
    kill: () => process.kill(),
    pause: () => process.pause(),
    resume: () => process.resume(),
    async restart() {
      const until = Date.now() + failoverWaitMs;
      for (;;) {
        const primaries = (await reader.read()).holders['redis-primary'];
        const [primary] = primaries;
        if (shards > 1 ? primaries.filter((p) => p !== process.name).length >= shards : primary && primary !== process.name) break;
        if (Date.now() > until) {
          log(`${process.name}: the primaries are still ${primaries.join(', ') || 'none'} after ${failoverWaitMs / 1000}s; starting it again anyway`);
          break;
        }
        await new Promise((r) => setTimeout(r, 250));
      }
      await process.restart();
    },
  };
}
