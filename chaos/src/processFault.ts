import type { ControllableProcess } from './ControllableProcess.ts';
import type { Fault, FaultIdentity } from './Fault.ts';

/**
 * kill: SIGKILL each process, healed by restarting them side by side (two Kafka nodes must come
 * back together: one alone waits for the other to count as ready), each waiting until it answers.
 * pause: SIGSTOP each, healed by SIGCONT.
 * redis-restart: kill and start again empty at once (Redis keeps no data); heal has nothing left to do.
 * The processes are found at inject (`processesAtInject`, which may resolve roles); heal acts on
 * those, and on nothing when inject never ran.
 */
export function processFault(
  kind: 'kill' | 'pause' | 'redis-restart',
  identity: FaultIdentity,
  processesAtInject: () => Promise<ControllableProcess[]>,
): Fault {
  let hit: ControllableProcess[] = [];
  const resolved = () => (hit.length ? { nodes: hit.map((p) => p.name) } : undefined);
  const restartIfDown = () => Promise.all(hit.map(async (p) => (p.running ? undefined : p.restart()))).then(() => {});
  const find = async () => {
    hit = await processesAtInject();
    return hit;
  };
  switch (kind) {
    case 'kill':
      return {
        ...identity,
        resolved,
        async inject() {
          await Promise.all((await find()).map(async (p) => (p.running ? p.kill() : undefined)));
        },
        heal: restartIfDown,
      };
    case 'pause':
      return {
        ...identity,
        resolved,
        async inject() {
          for (const p of await find()) await p.pause();
        },
        async heal() {
          for (const p of hit) await p.resume();
        },
      };
    case 'redis-restart':
      return {
        ...identity,
        resolved,
        async inject() {
          for (const p of await find()) {
            if (p.running) await p.kill();
            await p.restart();
          }
        },
        heal: restartIfDown,
      };
  }
}
