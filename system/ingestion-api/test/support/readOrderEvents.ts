import { decodeOrderEvent, orderMessageLines, ordersTopic, type OrderEvent } from '@flux-gate/contracts';
import { readTopicToEnd } from '@flux-gate/stack';

/** Every order event of a product in the orders topic, read up to the current end on the direct brokers. */
export async function readOrderEvents(brokers: string[], productId: string): Promise<OrderEvent[]> {
  const events: OrderEvent[] = [];
  await readTopicToEnd(
    brokers,
    ordersTopic,
    ({ value }) => {
      for (const line of orderMessageLines(value)) {
        const event = decodeOrderEvent(line);
        if (event.productId === productId) events.push(event);
      }
    },
    20_000,
  );
  return events;
}
