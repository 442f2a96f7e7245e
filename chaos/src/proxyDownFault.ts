import type { Toxiproxy } from 'toxiproxy-node-client';
import type { Fault, FaultIdentity } from './Fault.ts';
import { linkProxy } from './linkProxy.ts';

/** Disables a link's proxy (clients get "connection refused" at once); healing enables it again. */
export function proxyDownFault(link: string, identity: FaultIdentity, toxiproxy: Toxiproxy): Fault {
  const setEnabled = async (enabled: boolean) => {
    const proxy = await linkProxy(toxiproxy, link);
    await proxy.update({ enabled, listen: proxy.listen, upstream: proxy.upstream });
  };
  return { ...identity, inject: () => setEnabled(false), heal: () => setEnabled(true) };
}
