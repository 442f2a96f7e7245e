import { join } from 'node:path';
import { runFileNames as files, writeRunFile } from '@flux-gate/run-format';
import { localProvider } from '@flux-gate/stack';
import { openStores } from '../probes/openStores.ts';
import { MetricsScraper } from '../probes/MetricsScraper.ts';
import { Sampler } from '../probes/sampler.ts';
import { startRoleWatch } from '../roles/startRoleWatch.ts';
import { startSystem } from '../services/startSystem.ts';
import { runTopology } from './manifest.ts';
import { HistoryTail } from './progress.ts';
import type { RunContext } from './RunContext.ts';

/** Phase 2: the stack, the system on it, the direct store connections, the samplers (roles too, when replicated) and the metrics scraper. */
export async function startStackAndSystem(ctx: RunContext): Promise<void> {
  ctx.startFailed = true;
  ctx.progress.phase('starting the stack');
  const starting = new Set<string>(['toxiproxy', 'redis', 'postgres', 'kafka']);
  const waiting = () => ctx.progress.doing(`waiting for ${[...starting].join(', ')}`);
  waiting();
  const onPartReady = (part: string) => {
    starting.delete(part);
    waiting();
  };
  ctx.stack = await (ctx.opts.stack ?? localProvider).start({
    topology: ctx.experiment.topology,
    apiNodes: ctx.experiment.system.apiInstances,
    keepLogsIn: join(ctx.runDir, files.logs), signal: ctx.opts.signal,
    log: ctx.log,
    onPartReady,
  });
  ctx.progress.phase('starting the system');
  const { apiInstances, workers } = ctx.experiment.system;
  const balancer = ctx.experiment.topology !== 'single' ? ' behind nginx' : '';
  ctx.progress.doing(`starting ${apiInstances} ingestion API instance(s)${balancer} and ${workers} inventory worker(s)`);
  ctx.system = await startSystem(ctx.stack, { ...ctx.experiment.system, log: ctx.log });
  ctx.manifest = { ...ctx.manifest, topology: runTopology(ctx.stack.topology, ctx.system.balancer ? [ctx.system.balancer.node] : []) };
  writeRunFile(ctx.runDir, files.manifest, ctx.manifest);
  ctx.stores = await openStores(ctx.stack.endpoints, ctx.system.workerGroupId);
  ctx.startFailed = false;
  ctx.scraper = new MetricsScraper(ctx.system.metricsTargets, join(ctx.runDir, files.metrics));
  ctx.scraper.start();
  const sampler = new Sampler(ctx.stores, join(ctx.runDir, files.samples));
  ctx.sampler = sampler;
  ctx.roles = startRoleWatch(ctx.stack, ctx.runDir, ctx.log);
  ctx.progress.state.sample = () => sampler.latest;
  ctx.progress.state.tail = new HistoryTail(join(ctx.runDir, files.history));
  ctx.progress.state.activeFaults = () =>
    ctx.timeline
      .toJSON()
      .filter((f) => f.healedAt === undefined && !f.error)
      .map((f) => f.label);
}
