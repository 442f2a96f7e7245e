import type { StartedStack } from '@flux-gate/stack';
import { Toxiproxy } from 'toxiproxy-node-client';

/** Cuts (enabled=false) or heals the api→kafka link: a disabled proxy refuses connections at once. */
export async function setApiKafkaLink(stack: StartedStack, enabled: boolean): Promise<void> {
  const link = stack.links['api-kafka'];
  const proxy = await new Toxiproxy(stack.endpoints.toxiproxyUrl).get(link.proxy);
  await proxy.update({ enabled, listen: link.listen, upstream: link.upstream });
}
