import { Toxiproxy } from 'toxiproxy-node-client';
import { describeFault } from './describeFault.ts';
import type { Fault, FaultContext } from './Fault.ts';
import { parseFaultSpec, type FaultSpecInput } from './faultSpec.ts';
import { processFault } from './processFault.ts';
import { proxyDownFault } from './proxyDownFault.ts';
import { toxicFault } from './toxicFault.ts';
import { UnknownTargetError } from './UnknownTargetError.ts';

/**
 * Validates a fault spec and binds it to the stack. An unknown process is an error here; an
 * unknown link is an error at the first inject or heal (only Toxiproxy knows its proxies).
 */
export function createFault(input: FaultSpecInput, context: FaultContext): Fault {
  const spec = parseFaultSpec(input);
  const identity = describeFault(spec);
  switch (spec.kind) {
    case 'kill':
    case 'pause':
    case 'redis-restart': {
      const process = context.processes[spec.process];
      if (!process) throw new UnknownTargetError('process', spec.process, Object.keys(context.processes));
      return processFault(spec.kind, identity, process);
    }
    case 'down':
      return proxyDownFault(spec.link, identity, new Toxiproxy(context.toxiproxyUrl));
    default:
      return toxicFault(spec, identity, new Toxiproxy(context.toxiproxyUrl));
  }
}
