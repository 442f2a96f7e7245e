import type { ControllableProcess } from '@flux-gate/chaos';
import type { RoleReader } from '@flux-gate/stack';

const failoverWaitMs = 30_000;

/**
 * A Redis node whose restart first waits (up to 30 s) until the Sentinels name another node
 * primary. Redis runs without persistence here: a primary started again before the failover would
 * come back empty and still primary, and its replicas would copy the empty data set. Once another
 * node is primary, the Sentinels turn the restarted node into its replica.
 */
export function restartAfterFailover(process: ControllableProcess, reader: RoleReader, log: (line: string) => void): ControllableProcess {
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
        const primary = (await reader.read()).holders['redis-primary'][0];
        if (primary && primary !== process.name) break;
        if (Date.now() > until) {
          log(`${process.name}: the Sentinels still name ${primary ?? 'no primary'} after ${failoverWaitMs / 1000}s; starting it again anyway`);
          break;
        }
        await new Promise((r) => setTimeout(r, 250));
      }
      await process.restart();
    },
  };
}
