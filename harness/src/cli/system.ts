import { Command, InvalidArgumentError } from 'commander';
import type { AnyStartedStack, TopologyShape } from '@flux-gate/stack';
import { startSystem, type StartedSystem } from '../services/startSystem.ts';
import { nodesTable } from './nodesTable.ts';
import { onShutdown } from './onShutdown.ts';
import { providerOf, stackOption, topologyOption } from './stackOption.ts';
import { table } from './table.ts';

const count = (name: string, max: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new InvalidArgumentError(`${name} must be a whole number from 1 to ${max}, got '${value}'`);
  return n;
};
const positive = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive number, got '${value}'`);
  return n;
};

interface Options {
  apis?: number;
  workers: number;
  product: string;
  stock: number;
  rate: number;
  burst: number;
  json?: boolean;
  stack: string;
  topology: TopologyShape;
}

const program = new Command('system')
  .description('Start the whole flash-sale system on a stack (local processes, or containers with --stack containers), arm a demo sale, print the URLs and the admin token, and stay up until Ctrl-C.')
  .option('--apis <n>', 'API instances (default 1; 2 with --topology replicated)', count('--apis', 4))
  .option('--workers <n>', 'inventory workers', count('--workers', 4), 1)
  .option('--product <id>', 'product id of the demo sale', 'demo')
  .option('--stock <n>', 'units for sale', count('--stock', 10_000_000), 1000)
  .option('--rate <n>', 'rate limit: requests per second per product', positive('--rate'), 1000)
  .option('--burst <n>', 'rate limit: bucket size', positive('--burst'), 200)
  .addOption(stackOption())
  .addOption(topologyOption())
  .option('--json', 'print one JSON object (API URLs, PostgreSQL, Redis and Kafka addresses, admin token)')
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 3))
  .action(async (opts: Options) => {
    const abort = new AbortController();
    let stack: AnyStartedStack | undefined;
    let system: StartedSystem | undefined;
    onShutdown(async () => {
      abort.abort();
      await system?.stop();
      await stack?.stop();
    });
    stack = await providerOf(opts.stack).start({ topology: opts.topology, ...(opts.apis ? { apiNodes: opts.apis } : {}), signal: abort.signal });
    process.stderr.write('starting the system…\n');
    system = await startSystem(stack, { apiInstances: opts.apis, workers: opts.workers, rateLimit: { perSec: opts.rate, burst: opts.burst } });
    await system.armSale(opts.product, opts.stock);
    const e = stack.endpoints;
    const entry = system.loadUrls[0]!;
    const info = {
      topology: stack.topology.shape,
      apiUrls: system.apiUrls,
      ...(system.balancer ? { balancerUrl: system.balancer.url } : {}),
      waitingRoom: `${entry}/waiting-room?productId=${encodeURIComponent(opts.product)}`,
      product: opts.product,
      stock: opts.stock,
      adminToken: system.adminToken,
      postgres: e.postgresUrl,
      redis: e.redisCluster
        ? `cluster ${e.redisCluster.join(',')}`
        : e.redisSentinels
          ? `sentinels ${e.redisSentinels.sentinels.join(',')} (primary '${e.redisSentinels.name}')`
          : e.redisUrl,
      kafka: e.kafkaBrokers.join(','),
      toxiproxy: e.toxiproxyUrl,
      logs: `${stack.dir}/logs`,
      pids: Object.fromEntries(
        [...Object.values(stack.processes), ...Object.values(system.processes)].map((p) => [p.name, p.pid]),
      ),
    };
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(info)}\n`);
      return;
    }
    const u = entry;
    const nodes = system.balancer ? [...stack.topology.nodes, system.balancer.node] : stack.topology.nodes;
    process.stdout.write(
      `\n${nodesTable(nodes, { ...stack.processes, ...system.processes })}\n\n${table([
        ['what', 'where'],
        ...(system.balancer ? [['balancer (buyers go here)', system.balancer.url]] : []),
        ...system.apiUrls.map((url, i) => [`api ${i + 1}`, url]),
        ['waiting room', info.waitingRoom],
        ['postgres', info.postgres],
        ['redis', info.redis],
        ['kafka', info.kafka],
        ['toxiproxy', info.toxiproxy],
        ['logs', info.logs],
        ['admin token', info.adminToken],
      ])}\n\n` +
        `sale armed: ${opts.stock} × ${opts.product}. Try:\n` +
        `  curl -s -XPOST ${u}/order -H 'content-type: application/json' -d '{"userId":"alice","productId":"${opts.product}"}'\n` +
        `  curl -s ${u}/products/${opts.product}\n` +
        `  curl -s -XPOST ${u}/admin/sales -H 'authorization: Bearer ${info.adminToken}' -H 'content-type: application/json' -d '{"productId":"${opts.product}","stock":${opts.stock}}'\n\n` +
        `up; press Ctrl-C to stop.\n`,
    );
  });

program.parseAsync().catch((err: unknown) => {
  process.stderr.write(`system failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(3);
});
