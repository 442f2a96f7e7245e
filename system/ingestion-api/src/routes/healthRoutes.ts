import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../ApiContext.ts';
import { errorBodySchema, sendError } from '../http/sendError.ts';
import { withTimeout } from '../withTimeout.ts';

const parts = ['Redis', 'Kafka'] as const;
const statusSchema = { type: 'object', required: ['status'], properties: { status: { type: 'string' } } } as const;

/** GET /health answers while the process is up; GET /ready only while Redis and Kafka answer in time. */
export function healthRoutes(app: FastifyInstance, { redis, producer, config, log }: ApiContext): void {
  app.get('/health', { schema: { response: { 200: statusSchema } } }, async () => ({ status: 'ok' }));

  app.get('/ready', { schema: { response: { 200: statusSchema, '5xx': errorBodySchema } } }, async (_request, reply) => {
    const checks = await Promise.allSettled([
      withTimeout(redis.ping(), config.timeouts.redisMs, 'Redis'),
      withTimeout(producer.ping(), config.timeouts.kafkaMs, 'Kafka'),
    ]);
    const failed = checks.flatMap((c, i) => (c.status === 'rejected' ? [{ part: parts[i], err: (c.reason as Error).message }] : []));
    if (failed.length === 0) return { status: 'ready' };
    log.warn({ failed }, 'not ready');
    return sendError(reply, 'unavailable', { message: `not ready: ${failed.map((f) => f.part).join(' and ')} unreachable` });
  });
}
