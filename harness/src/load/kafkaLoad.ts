import type { NdjsonWriter, RecordEntry } from '@flux-gate/run-format';
import { Admin, compatibilityPartitioner, Producer, stringSerializer } from '@platformatic/kafka';
import { arrivalTimes } from './arrivalTimes.ts';
import type { WorkloadResult } from './httpLoad.ts';
import type { KafkaPlan } from './LoadPlan.ts';
import { epochMs, runArrivals } from './openModel.ts';
import { plannedRecords, type PlannedRecord } from './poisonRecords.ts';
import type { InProcess } from './LoadJob.ts';
import { arrivalOf, segmentTimes, shareOf } from './segment.ts';

/** Arrivals due within this window share one produce request, as a producer's linger would. */
const lingerMs = 10;

/**
 * Order events produced straight into the orders topic at an open-model rate, with acks=all. The
 * arrivals due within a few milliseconds go out as one request; each record's ack (partition and
 * offset) or error is one line of history.
 *
 * It produces only the records of its segment, with its share of the in-flight cap. A record's order
 * id comes from a seeded sequence over every record of the schedule, so the records of the other
 * segments are planned (and left alone) too: record n is the same whatever the number of processes.
 */
export async function kafkaLoad(plan: KafkaPlan, out: NdjsonWriter, signal: AbortSignal, { segment, startTogether }: InProcess): Promise<WorkloadResult> {
  const times = segmentTimes(arrivalTimes(plan.startRate, plan.stages), segment);
  const planned = plannedRecords(plan);
  let nextPlanned = 0;
  const record = (n: number): PlannedRecord => {
    while (nextPlanned < n) planned(nextPlanned++);
    nextPlanned = n + 1;
    return planned(n);
  };
  const maxInFlight = Math.max(1, shareOf(plan.maxInFlight, segment));
  const client = { clientId: 'flux-gate-load', bootstrapBrokers: plan.brokers, retries: 0, timeout: plan.timeoutMs };
  const producer = new Producer({ ...client, acks: -1, autocreateTopics: false, maxInflights: 64, serializers: { key: stringSerializer } });
  const admin = new Admin(client);
  const { partitionsCount } = (await admin.metadata({ topics: [plan.topic] }).finally(() => admin.close())).topics.get(plan.topic)!;
  // Java's partitioner, as the API uses: a product's records go to its orders' partition.
  const partitionOf = (key: string) => compatibilityPartitioner({ topic: plan.topic }, Buffer.from(key)) % partitionsCount;

  let inFlight = 0;
  let started = 0;
  let dropped = 0;
  let lastEnd = 0;
  const sends = new Set<Promise<void>>();
  let batch: { dueMono: number; r: PlannedRecord; partition: number }[] = [];
  let flushTimer: NodeJS.Timeout | undefined;

  const line = (b: { dueMono: number; r: PlannedRecord }, sentMono: number, endMono: number, rest: Pick<RecordEntry, 'outcome'> & Partial<RecordEntry>): RecordEntry => ({
    ts: epochMs(sentMono),
    intendedTs: epochMs(b.dueMono),
    latencyMs: Math.round((endMono - b.dueMono) * 1000) / 1000,
    productId: b.r.productId,
    ...(b.r.orderId ? { orderId: b.r.orderId } : {}),
    ...(b.r.userId && b.r.userId.length <= 256 ? { userId: b.r.userId } : {}),
    ...(b.r.poison ? { poison: b.r.poison } : {}),
    ...rest,
  });

  const flush = () => {
    flushTimer = undefined;
    const sending = batch;
    batch = [];
    if (sending.length === 0) return;
    const sentMono = performance.now();
    const messages = sending.map((b) => ({ topic: plan.topic, key: b.r.key, value: b.r.value, partition: b.partition }));
    const done = producer
      .send({ messages })
      .then((result) => {
        const endMono = performance.now();
        const base = new Map((result.offsets ?? []).map((m) => [m.partition, m.offset]));
        const seen = new Map<number, bigint>();
        for (const b of sending) {
          const index = seen.get(b.partition) ?? 0n;
          seen.set(b.partition, index + 1n);
          const first = base.get(b.partition);
          out.write(line(b, sentMono, endMono, { outcome: 'ok', partition: b.partition, ...(first !== undefined && first >= 0n ? { offset: String(first + index) } : {}) }));
        }
      })
      .catch((err: Error) => {
        const endMono = performance.now();
        // A request that timed out, or whose connection went, may still have been written; one the broker refused was not.
        const unknown = unknownOutcome(err);
        for (const b of sending) out.write(line(b, sentMono, endMono, { outcome: unknown ? 'unknown' : 'fail', partition: b.partition, error: errorName(err) }));
      })
      .finally(() => {
        inFlight -= sending.length;
        lastEnd = Math.max(lastEnd, performance.now());
        sends.delete(done);
      });
    sends.add(done);
  };

  await startTogether(); // no pre-sale on this workload: the first meeting only keeps the processes' steps alike
  const saleAt = await startTogether();
  const { offered, startMono } = await runArrivals(
    times,
    (k, dueMono) => {
      const r = record(arrivalOf(k, segment));
      if (inFlight >= maxInFlight) {
        dropped++;
        out.write(line({ dueMono, r }, dueMono, dueMono, { outcome: 'dropped', latencyMs: 0, error: 'in_flight_cap' }));
        return;
      }
      started++;
      inFlight++;
      const partition = partitionOf(r.key);
      batch.push({ dueMono, r, partition });
      flushTimer ??= setTimeout(flush, lingerMs);
    },
    signal,
    saleAt,
  );
  if (flushTimer) clearTimeout(flushTimer);
  flush();
  while (sends.size > 0) await Promise.race(sends);
  await producer.close().catch(() => {});
  return { offered, started, dropped, retries: 0, wallMs: Math.max(0, (lastEnd || startMono) - startMono) };
}

/** The error and every error it wraps (@platformatic/kafka nests them in `errors` and `cause`). */
function errorChain(err: unknown): Array<Error & { code?: string; apiId?: string }> {
  if (!(err instanceof Error)) return [];
  const nested = [...((err as { errors?: unknown[] }).errors ?? []), err.cause];
  return [err, ...nested.flatMap(errorChain)];
}

/** A request that timed out, or whose connection closed under it, may still have been written. */
function unknownOutcome(err: unknown): boolean {
  return errorChain(err).some((e) => e.code === 'PLT_KFK_TIMEOUT' || /timed out|closed/i.test(e.message));
}

/** The broker's error code if it gave one, else the client's. */
function errorName(err: unknown): string {
  const chain = errorChain(err);
  return chain.find((e) => e.apiId)?.apiId ?? chain.at(-1)?.code ?? chain[0]?.message ?? 'error';
}
