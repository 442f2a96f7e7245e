import type { ControllableProcess } from './ControllableProcess.ts';
import type { Fault, FaultIdentity } from './Fault.ts';
import type { ProcessFaultSpec } from './faultSpec.ts';

/**
 * kill: SIGKILL, healed by a restart that waits until the process answers.
 * pause: SIGSTOP, healed by SIGCONT.
 * redis-restart: kill and start again empty at once (Redis keeps no data); heal has nothing left to do.
 */
export function processFault(kind: ProcessFaultSpec['kind'], identity: FaultIdentity, process: ControllableProcess): Fault {
  const killIfUp = async () => {
    if (process.running) await process.kill();
  };
  const restartIfDown = async () => {
    if (!process.running) await process.restart();
  };
  switch (kind) {
    case 'kill':
      return { ...identity, inject: killIfUp, heal: restartIfDown };
    case 'pause':
      return { ...identity, inject: async () => process.pause(), heal: async () => process.resume() };
    case 'redis-restart':
      return {
        ...identity,
        async inject() {
          await killIfUp();
          await process.restart();
        },
        heal: restartIfDown,
      };
  }
}
