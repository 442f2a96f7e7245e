import { healAll } from '@flux-gate/chaos';
import { drain } from '../probes/drain.ts';
import type { RunContext } from './RunContext.ts';

/** Phase 4: heal every fault, then wait for the worker to drain what the load left in Kafka. */
export async function healAndDrain(ctx: RunContext): Promise<void> {
  const { experiment, log, progress } = ctx;
  const sampler = ctx.sampler!;
  progress.phase('healing every fault');
  await healAll(ctx.stack!.endpoints.toxiproxyUrl);
  progress.phase('draining the worker');
  await sampler.tick();
  ctx.backlog = sampler.latest?.kafkaLag ?? null;
  const drained = await drain(ctx.stores!, Object.keys(ctx.initialStock), experiment.drainTimeout, ctx.opts.signal);
  ctx.drainSeconds = drained.seconds;
  if (drained.seconds === null) {
    log(`the pipeline did not drain within ${experiment.drainTimeout / 1000}s (Kafka lag ${drained.lag}, ${drained.inFlight} order(s) in flight in the API)`);
  }
  sampler.stop();
  await Promise.all([sampler.tick(), ctx.scraper?.stop(), ctx.roles?.stop()]);
}
