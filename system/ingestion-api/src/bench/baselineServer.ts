// The benchmark's ceiling: bare Fastify + ioredis running the API's own gate script, nothing else.
// Started as its own process by runBench (REDIS_URL, PORT, PRODUCT_ID).
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import { redisKeys } from '@flux-gate/contracts';
import { CorkedWrites } from '../redis/CorkedWrites.ts';
import { gateScripts } from '../redis/gateScripts.ts';

// The takes of one turn share socket writes of up to 32 commands, as the API's do (see CorkedWrites).
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const writes = new CorkedWrites(redis, 32);
redis.defineCommand('take', gateScripts.take);
const productId = process.env.PRODUCT_ID ?? 'baseline';
const keys = [
  redisKeys.stock(productId),
  redisKeys.buyers(productId),
  redisKeys.bucket(productId),
  `{sale:${productId}}:pending`,
  redisKeys.idempotency(productId, 'none'),
  redisKeys.queue(productId),
  redisKeys.ticketOf(productId),
  redisKeys.tokensUsed(productId),
];
type Take = (...args: (string | number)[]) => Promise<string>;
const redisTake = (redis as unknown as { take: Take }).take.bind(redis);
const take: Take = (...args) => writes.run(() => redisTake(...args));

const app = Fastify({ logger: false });
app.post('/order', async (request, reply) => {
  const { userId } = request.body as { userId: string };
  const answer = await take(...keys, userId, 'order-id', 1, 1_000_000, 1_000_000, '0', 10_000, 60_000, '', '', 0);
  return answer === 'ok' ? { status: 'accepted' } : reply.code(409).send({ error: answer });
});
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
process.on('SIGTERM', () => void app.close().then(() => redis.quit()).finally(() => process.exit(0)));
