import type { Base } from '@platformatic/kafka';
import type { Logger } from 'pino';

/**
 * Routes a Kafka client's connection troubles into the worker's pino logger, marked
 * `lib: "@platformatic/kafka"` (the client has no logger of its own, only events).
 */
export function logKafkaEvents(client: Base, logger: Logger): void {
  const child = logger.child({ lib: '@platformatic/kafka' });
  client.on('client:broker:failed', ({ broker }) => child.warn({ broker }, 'broker connection failed'));
  client.on('client:broker:disconnect', ({ broker }) => child.info({ broker }, 'broker disconnected'));
}
