import { Toxic, type ICreateToxicBody, type Toxiproxy } from 'toxiproxy-node-client';
import type { Fault, FaultIdentity } from './Fault.ts';
import type { ToxicSpec } from './faultSpec.ts';
import { linkProxy } from './linkProxy.ts';

function toxic(spec: ToxicSpec): Pick<ICreateToxicBody<unknown>, 'type' | 'attributes'> {
  switch (spec.kind) {
    case 'latency':
      return { type: 'latency', attributes: { latency: spec.latencyMs, jitter: spec.jitterMs } };
    case 'timeout':
      return { type: 'timeout', attributes: { timeout: spec.timeoutMs } };
    case 'bandwidth':
      return { type: 'bandwidth', attributes: { rate: spec.rateKBps } };
    case 'reset_peer':
      return { type: 'reset_peer', attributes: { timeout: spec.timeoutMs } };
    case 'slicer':
      return { type: 'slicer', attributes: { average_size: spec.averageSize, size_variation: spec.sizeVariation, delay: spec.delayUs } };
  }
}

/**
 * A Toxiproxy toxic on one link, named after the fault id (one per direction). Injecting again
 * updates the toxic instead of stacking a second one; healing removes it if it is there.
 */
export function toxicFault(spec: ToxicSpec, identity: FaultIdentity, toxiproxy: Toxiproxy): Fault {
  const bodies: ICreateToxicBody<unknown>[] = (spec.direction === 'both' ? (['upstream', 'downstream'] as const) : [spec.direction]).map((stream) => ({
    name: `${identity.id}-${stream}`,
    stream,
    toxicity: spec.toxicity,
    ...toxic(spec),
  }));
  const present = async () => {
    const proxy = await linkProxy(toxiproxy, spec.link);
    const names = new Set((await proxy.api.get<{ name: string }[]>(`${proxy.getPath()}/toxics`)).data.map((t) => t.name));
    return { proxy, names };
  };
  return {
    ...identity,
    async inject() {
      const { proxy, names } = await present();
      for (const body of bodies) {
        if (names.has(body.name)) await new Toxic(proxy.api, proxy.getPath(), body).update(body);
        else await proxy.addToxic(body);
      }
    },
    async heal() {
      const { proxy, names } = await present();
      for (const body of bodies) if (names.has(body.name)) await new Toxic(proxy.api, proxy.getPath(), body).remove();
    },
  };
}
