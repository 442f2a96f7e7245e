import { Command } from 'commander';
import type { AnyStartedStack, TopologyShape } from '@flux-gate/stack';
import { nodesTable } from './nodesTable.ts';
import { onShutdown } from './onShutdown.ts';
import { providerOf, stackOption, topologyOption } from './stackOption.ts';
import { table } from './table.ts';

function describe(stack: AnyStartedStack) {
  return {
    provider: stack.provider,
    topology: stack.topology,
    dir: stack.dir,
    endpoints: stack.endpoints,
    links: stack.links,
    pids: Object.fromEntries(Object.entries(stack.processes).map(([k, p]) => [k, p.pid])),
    readySeconds: stack.readiness,
    ...(stack.containers ? { containers: stack.containers } : {}),
  };
}

const program = new Command('stack').description('Start and stop the Flux-Gate stack: Redis, PostgreSQL, Kafka (KRaft) and Toxiproxy, as local processes or containers.');

program
  .command('up')
  .description(
    'Start the stack, print every node with its roles, address and readiness, and its endpoints, and stay up until Ctrl-C.\n' +
      'single: every part on free ports on 127.0.0.1, each client link (api→redis, api→kafka, worker→kafka, worker→postgres) through its own Toxiproxy proxy.\n' +
      'replicated (local): every Kafka, Redis and Sentinel node, and the API nodes, in a network namespace of its own on a bridge fgnet<n>.\n' +
      'replicated (containers): every store node a container at its own address on the run\'s network; the API nodes get their addresses, and their containers from the system.\n' +
      'cluster (either provider): as replicated, with a Redis Cluster of 3 primaries and a replica each instead of the primary, replicas and Sentinels.',
  )
  .option('--json', 'print the endpoints as one JSON object on stdout')
  .option('--ready-timeout <seconds>', 'how long each part may take to answer', '60')
  .addOption(stackOption())
  .addOption(topologyOption())
  .action(async (opts: { json?: boolean; readyTimeout: string; stack: string; topology: TopologyShape }) => {
    const timeout = Number(opts.readyTimeout);
    if (!Number.isFinite(timeout) || timeout <= 0) {
      program.error(`--ready-timeout must be a positive number of seconds, got '${opts.readyTimeout}'`, { exitCode: 3 });
    }
    const abort = new AbortController();
    const starting = providerOf(opts.stack).start({ topology: opts.topology, readyTimeoutMs: timeout * 1000, signal: abort.signal });
    onShutdown(async () => {
      abort.abort();
      const started = await starting.catch(() => undefined);
      await started?.stop();
    });
    const stack = await starting.catch((err: unknown) => {
      // Interrupted: the shutdown handler reports and exits once cleanup is done.
      if (abort.signal.aborted) return new Promise<never>(() => {});
      throw err;
    });
    const info = describe(stack);
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(info)}\n`);
    } else {
      const e = stack.endpoints;
      const sentinels = e.redisSentinels ? [['redis sentinels', `${e.redisSentinels.sentinels.join(',')} (primary '${e.redisSentinels.name}')`]] : [];
      const cluster = e.redisCluster ? [['redis cluster', e.redisCluster.join(',')]] : [];
      const net = stack.topology.network;
      const network = net ? `\nnetwork: bridge ${net.bridge}, ${net.subnet}, the host at ${net.hostAddress}; \`ip netns exec <netns> …\` runs inside a node\n` : '';
      process.stdout.write(
        `\n${nodesTable(stack.topology.nodes, stack.processes)}\n${network}\n${table([
          ['part', 'endpoint'],
          ['redis', e.redisUrl],
          ...sentinels,
          ...cluster,
          ['postgres', e.postgresUrl],
          ['kafka', e.kafkaBrokers.join(',')],
          ['toxiproxy', e.toxiproxyUrl],
        ])}\n\n${table([
          ['link', 'clients connect to', 'forwards to'],
          ...Object.values(stack.links).flatMap((l) => (l ? [[l.proxy, l.listen, l.upstream]] : [])),
        ])}\n${stack.containers ? `\ncontainers: docker ps -a --filter label=${stack.containers.label}\n` : ''}\nup; press Ctrl-C to stop.\n`,
      );
    }
  });

program.parseAsync().catch((err: unknown) => {
  process.stderr.write(`stack failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(3);
});
