import client, { type Counter, type Histogram, type Registry } from '@prometheus-io/client';
import type { FastifyInstance, FastifyReply, FastifyRequest, onResponseHookHandler } from 'fastify';
// fastify-metrics is CommonJS with its plugin on `exports.default`.
import fastifyMetrics from 'fastify-metrics';
import type { TakeFn } from '../redis/SaleGate.ts';

/**
 * Latency buckets in seconds, from 0.5 ms to 10 s: a sale's answers sit around a few milliseconds and
 * its faults push them into seconds. The harness reads quantiles from these buckets, so they are dense
 * where the 25 ms p99 goal lies.
 */
export const latencyBuckets = [0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Methods whose requests are not timed, as fastify-metrics leaves them out. */
const untimedMethods = new Set(['HEAD', 'OPTIONS', 'TRACE', 'CONNECT']);

/**
 * The API's Prometheus metrics, in a registry of its own (so several apps in one process never
 * collide), served at GET /metrics by fastify-metrics on the Prometheus org's client: requests by
 * route and status with latency histograms, process and GC figures, the take's answers, and each
 * Kafka send's latency and errors.
 */
export class ApiMetrics {
  readonly registry: Registry = new client.Registry();
  readonly #takeAnswers: Counter<'answer'>;
  readonly #kafkaSend: Histogram<'outcome'>;
  readonly #kafkaErrors: Counter<'error'>;
  readonly #requests: Histogram<'method' | 'route' | 'status_code'>;

  constructor() {
    const registers = [this.registry];
    this.#requests = new client.Histogram({
      name: 'http_request_duration_seconds',
      help: 'request duration in seconds',
      labelNames: ['method', 'route', 'status_code'],
      buckets: latencyBuckets,
      registers,
    });
    this.#takeAnswers = new client.Counter({ name: 'fluxgate_take_answers_total', help: "The take script's answers, by answer", labelNames: ['answer'], registers });
    this.#kafkaSend = new client.Histogram({
      name: 'fluxgate_kafka_send_seconds',
      help: 'Time from a batch of orders sent to Kafka to its ack (acks=all) or its failure',
      labelNames: ['outcome'],
      buckets: latencyBuckets,
      registers,
    });
    this.#kafkaErrors = new client.Counter({ name: 'fluxgate_kafka_send_errors_total', help: 'Kafka sends that failed, by error name', labelNames: ['error'], registers });
  }

  /**
   * Registers GET /metrics, and times the requests of every route added after it (but /metrics) by
   * method, route and status, from the start of Fastify's handling to the response's end
   * (reply.elapsedTime). Call before the routes are added.
   */
  async register(app: FastifyInstance): Promise<void> {
    await app.register(fastifyMetrics.default, {
      // The plugin puts its own handler on this route; `hide` keeps it out of the OpenAPI document, as Prometheus's format is not JSON.
      endpoint: { url: '/metrics', method: 'GET', logLevel: 'fatal', exposeHeadRoute: false, schema: { hide: true }, handler: () => undefined },
      defaultMetrics: { enabled: true, register: this.registry },
      routeMetrics: { enabled: false },
    });
    // Each route gets its own onResponse hook, which knows its route: a request pays for no onRequest
    // hook, no timer of its own and no lookup of its route.
    app.addHook('onRoute', (route) => {
      if (route.url === '/metrics') return;
      route.onResponse = [...[route.onResponse ?? []].flat(), this.#timed(route.url ?? '')];
    });
  }

  #timed(route: string): onResponseHookHandler {
    const requests = this.#requests;
    return function timed(this: FastifyInstance, request: FastifyRequest, reply: FastifyReply, done: () => void) {
      const method = request.method;
      if (!untimedMethods.has(method)) requests.observe({ method, route, status_code: reply.statusCode }, reply.elapsedTime / 1000);
      done();
    };
  }

  /** The take, counting its answers (`queued:<n>:…` counts as `queued`). */
  countedTake(take: TakeFn): TakeFn {
    return async (...args) => {
      const answer = await take(...args);
      this.#takeAnswers.inc({ answer: answer.split(':', 1)[0] });
      return answer;
    };
  }

  /** A Kafka send, timed, with its failures counted by error name. */
  timedSend<M>(send: (messages: M[]) => Promise<void>): (messages: M[]) => Promise<void> {
    return async (messages) => {
      const end = this.#kafkaSend.startTimer();
      try {
        await send(messages);
        end({ outcome: 'acked' });
      } catch (err) {
        end({ outcome: 'failed' });
        this.#kafkaErrors.inc({ error: err instanceof Error ? err.name : 'unknown' });
        throw err;
      }
    };
  }
}
