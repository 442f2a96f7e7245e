import type { NdjsonWriter, RecordEntry } from '@flux-gate/run-format';
import { CompressionTypes, Kafka, logLevel, Partitioners, type Message } from 'kafkajs';
import { arrivalTimes } from './arrivalTimes.ts';
import type { WorkloadResult } from './httpLoad.ts';
import type { KafkaPlan } from './LoadPlan.ts';
import { epochMs, runArrivals } from './openModel.ts';
import { plannedRecords, type PlannedRecord } from './poisonRecords.ts';

/** Arrivals due within this window share one produce request, as a producer's linger would. */
const lingerMs = 10;

/**
 * Order events produced straight into the orders topic at an open-model rate, with acks=all. The
 * arrivals due within a few milliseconds go out as one request; each record's ack (partition and
 * offset) or error is one line of history.
 */
export async function kafkaLoad(plan: KafkaPlan, out: NdjsonWriter, signal: AbortSignal): Promise<WorkloadResult> {
  const times = arrivalTimes(plan.startRate, plan.stages);
  const record = plannedRecords(plan);
  const kafka = new Kafka({ clientId: 'flux-gate-load', brokers: plan.brokers, logLevel: logLevel.NOTHING, retry: { retries: 0 } });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false, maxInFlightRequests: 64 });
  await producer.connect();
  const admin = kafka.admin();
  await admin.connect();
  const partitions = (await admin.fetchTopicMetadata({ topics: [plan.topic] })).topics[0]!.partitions;
  await admin.disconnect();
  const partitionOf = Partitioners.DefaultPartitioner();

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
    const messages: Message[] = sending.map((b) => ({ key: b.r.key, value: b.r.value, partition: b.partition }));
    const done = producer
      .send({ topic: plan.topic, acks: -1, timeout: plan.timeoutMs, compression: CompressionTypes.None, messages })
      .then((metadata) => {
        const endMono = performance.now();
        const base = new Map(metadata.map((m) => [m.partition, BigInt(m.baseOffset ?? '-1')]));
        const seen = new Map<number, bigint>();
        for (const b of sending) {
          const index = seen.get(b.partition) ?? 0n;
          seen.set(b.partition, index + 1n);
          const first = base.get(b.partition);
          out.write(line(b, sentMono, endMono, { outcome: 'ok', partition: b.partition, ...(first !== undefined && first >= 0n ? { offset: String(first + index) } : {}) }));
        }
      })
      .catch((err: { name?: string; type?: string; message?: string }) => {
        const endMono = performance.now();
        // A request that timed out may still have been written; one the broker refused was not.
        const unknown = err.name === 'KafkaJSRequestTimeoutError' || /timeout|disconnected|closed/i.test(err.message ?? '');
        for (const b of sending) out.write(line(b, sentMono, endMono, { outcome: unknown ? 'unknown' : 'fail', partition: b.partition, error: err.type ?? err.message ?? 'error' }));
      })
      .finally(() => {
        inFlight -= sending.length;
        lastEnd = Math.max(lastEnd, performance.now());
        sends.delete(done);
      });
    sends.add(done);
  };

  const { offered, startMono } = await runArrivals(
    times,
    (n, dueMono) => {
      const r = record(n);
      if (inFlight >= plan.maxInFlight) {
        dropped++;
        out.write(line({ dueMono, r }, dueMono, dueMono, { outcome: 'dropped', latencyMs: 0, error: 'in_flight_cap' }));
        return;
      }
      started++;
      inFlight++;
      const partition = partitionOf({ topic: plan.topic, partitionMetadata: partitions, message: { key: r.key, value: null } });
      batch.push({ dueMono, r, partition });
      flushTimer ??= setTimeout(flush, lingerMs);
    },
    signal,
  );
  if (flushTimer) clearTimeout(flushTimer);
  flush();
  while (sends.size > 0) await Promise.race(sends);
  await producer.disconnect().catch(() => {});
  return { offered, started, dropped, retries: 0, wallMs: Math.max(0, (lastEnd || startMono) - startMono) };
}
