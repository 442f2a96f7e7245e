import type { StartedStack } from '@flux-gate/stack';
import { Toxic, Toxiproxy } from 'toxiproxy-node-client';

const slowAnswers = 'slow-kafka-answers';

const apiKafkaProxy = (stack: StartedStack) => new Toxiproxy(stack.endpoints.toxiproxyUrl).get(stack.links['api-kafka'].proxy);

/** Cuts (enabled=false) or heals the api→kafka link: a disabled proxy refuses connections at once. */
export async function setApiKafkaLink(stack: StartedStack, enabled: boolean): Promise<void> {
  const link = stack.links['api-kafka'];
  const proxy = await apiKafkaProxy(stack);
  await proxy.update({ enabled, listen: link.listen, upstream: link.upstream });
}

/** Delays Kafka's answers to the API by latencyMs (its requests still reach the broker at once); 0 removes the delay. */
export async function delayApiKafkaAnswers(stack: StartedStack, latencyMs: number): Promise<void> {
  const proxy = await apiKafkaProxy(stack);
  const body = { name: slowAnswers, type: 'latency' as const, stream: 'downstream' as const, toxicity: 1, attributes: { latency: latencyMs, jitter: 0 } };
  const present = (await proxy.api.get<{ name: string }[]>(`${proxy.getPath()}/toxics`)).data.some((t) => t.name === slowAnswers);
  if (latencyMs === 0) {
    if (present) await new Toxic(proxy.api, proxy.getPath(), body).remove();
  } else if (present) await new Toxic(proxy.api, proxy.getPath(), body).update(body);
  else await proxy.addToxic(body);
}
