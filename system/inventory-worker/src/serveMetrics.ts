import client from '@prometheus-io/client';
import Fastify from 'fastify';
// fastify-metrics is CommonJS with its plugin on `exports.default`.
import fastifyMetrics from 'fastify-metrics';
import type { WorkerStats } from './WorkerStats.ts';

export interface MetricsServer {
  /** Where Prometheus scrapes: http://<host>:<port>/metrics. */
  url: string;
  close(): Promise<void>;
}

/** The worker's counters as Prometheus counters, read from its stats at each scrape. */
const counters: Array<[name: string, help: string, read: (s: WorkerStats) => number]> = [
  ['fluxgate_worker_messages_total', 'Kafka messages handled, redeliveries included', (s) => s.processed],
  ['fluxgate_worker_batches_total', 'PostgreSQL transactions committed', (s) => s.batches],
  ['fluxgate_worker_rows_inserted_total', 'Order rows inserted (new orders)', (s) => s.inserted],
  ['fluxgate_worker_orders_confirmed_total', 'Orders stored as confirmed', (s) => s.confirmed],
  ['fluxgate_worker_orders_rejected_total', 'Orders stored as rejected (no stock left in PostgreSQL)', (s) => s.rejected],
  ['fluxgate_worker_dead_letters_total', 'Records set aside in dead_letters, redeliveries included', (s) => s.deadLettered],
];

/**
 * Serves the worker's Prometheus metrics at GET /metrics on host:port (port 0: any free port) with
 * fastify-metrics on the Prometheus org's client: its counters, its group's lag on the orders topic
 * (read at each scrape), and the process's CPU, heap, GC and event-loop lag.
 */
export async function serveMetrics(stats: WorkerStats, host: string, port: number, lag: () => Promise<number>): Promise<MetricsServer> {
  const registry = new client.Registry();
  for (const [name, help, read] of counters) {
    let reported = 0;
    new client.Counter({
      name,
      help,
      registers: [registry],
      collect() {
        const now = read(stats);
        this.inc(now - reported);
        reported = now;
      },
    });
  }
  let lastLag = 0;
  new client.Gauge({
    name: 'fluxgate_worker_lag_messages',
    help: "Messages of the orders topic the worker's group has not committed (the last value read, when Kafka does not answer)",
    registers: [registry],
    async collect() {
      lastLag = await lag().catch(() => lastLag);
      this.set(lastLag);
    },
  });
  const app = Fastify({ logger: false });
  await app.register(fastifyMetrics.default, {
    endpoint: '/metrics',
    defaultMetrics: { enabled: true, register: registry },
    routeMetrics: { enabled: false, overrides: { histogram: { registers: [registry] }, summary: { registers: [registry] } } },
  });
  const address = await app.listen({ host, port });
  return { url: `${address}/metrics`, close: () => app.close() };
}
