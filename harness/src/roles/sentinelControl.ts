import type { SentinelControl } from '@flux-gate/chaos';
import type { RoleReader, StackEndpoints } from '@flux-gate/stack';
import { Redis } from 'ioredis';

const hostPort = (address: string) => ({ host: address.slice(0, address.lastIndexOf(':')), port: Number(address.slice(address.lastIndexOf(':') + 1)) });

/**
 * The Sentinels for the forced failover: the primary is the one they name (RoleReader), and the
 * failover is `SENTINEL FAILOVER <name>` asked of each Sentinel in turn until one takes it.
 */
export function sentinelControl(reader: RoleReader, sentinels: NonNullable<StackEndpoints['redisSentinels']>): SentinelControl {
  return {
    primary: async () => (await reader.read()).holders['redis-primary'][0],
    async failover() {
      const refusals: string[] = [];
      for (const address of sentinels.sentinels) {
        const client = new Redis({ ...hostPort(address), connectTimeout: 1000, commandTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
        client.on('error', () => {});
        try {
          await client.connect();
          await client.call('SENTINEL', 'FAILOVER', sentinels.name);
          return;
        } catch (err) {
          refusals.push(`${address}: ${(err as Error).message}`);
        } finally {
          client.disconnect();
        }
      }
      throw new Error(`no Sentinel took SENTINEL FAILOVER ${sentinels.name}: ${refusals.join('; ')}`);
    },
  };
}
