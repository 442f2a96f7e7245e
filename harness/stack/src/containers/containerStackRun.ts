import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ContainerRuntimeClient, getContainerRuntimeClient, Wait } from 'testcontainers';
import { logTail } from '../logTail.ts';
import { StackPartError } from '../StackPartError.ts';
import type { StackOptions } from '../StackProvider.ts';
import { waitFor } from '../waitFor.ts';
import { appendLog, ContainerProcess } from './ContainerProcess.ts';
import type { InfraImages } from './images/index.ts';
import { LoopbackContainer } from './LoopbackContainer.ts';
import { labelKeys, removeLabelled, removeLeftovers, runLabels } from './runLabels.ts';
import type { ContainerSpec } from './storeContainers.ts';

type Docker = ContainerRuntimeClient['container']['dockerode'];

/** What a shape's start gets from the run: its labels and folder, and a way to start each container. */
export interface ContainerStackRun {
  docker: Docker;
  runId: string;
  /** `dev.flux-gate.run=<id>`: every container and network of the run carries it. */
  label: string;
  labels: Record<string, string>;
  dir: string;
  readyTimeoutMs: number;
  /** Seconds since the run began, for progress lines. */
  since(): string;
  /**
   * Creates and starts the spec's container, waits for its start line and then for `ready` (from the
   * host), and returns it; a failure is a StackPartError naming the node with its log's tail.
   */
  start(spec: ContainerSpec, ready: () => Promise<unknown>): Promise<ContainerProcess>;
  /** The interruption, if the start was interrupted. */
  aborted(): Error | undefined;
  /** Throws the interruption, or the first failure among containers started side by side. */
  settle(results: PromiseSettledResult<unknown>[]): void;
}

/**
 * The lifecycle both container shapes share: removes what killed runs left, labels everything with
 * the run, keeps the logs in a temporary folder, removes every container and network of the run on
 * stop (and at once on an interrupt, which ends their readiness waits), and on a failed start.
 */
export async function containerStackRun<T extends { stop(): Promise<void> }>(
  images: InfraImages,
  options: StackOptions,
  log: (line: string) => void,
  shape: string,
  start: (run: ContainerStackRun, stop: () => Promise<void>) => Promise<T>,
): Promise<T> {
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  const started = performance.now();
  const since = () => ((performance.now() - started) / 1000).toFixed(1);
  const client = await getContainerRuntimeClient();
  const docker = client.container.dockerode;
  const removed = await removeLeftovers(docker);
  if (removed) log(`  removed ${removed} containers and networks left by killed runs`);

  const runId = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const labels = runLabels(runId);
  const label = `${labelKeys.run}=${runId}`;
  const dir = mkdtempSync(join(tmpdir(), 'flux-gate-stack-'));
  mkdirSync(join(dir, 'logs'));
  // A started stack keeps its process up until stop(), as the local stack's child processes do:
  // nothing else holds the event loop, and a process that ended would leave its containers running.
  const keepAlive = setInterval(() => {}, 2 ** 30);
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      await removeLabelled(docker, { [labelKeys.run]: runId });
      clearInterval(keepAlive);
      if (options.keepLogsIn) {
        mkdirSync(options.keepLogsIn, { recursive: true });
        cpSync(join(dir, 'logs'), options.keepLogsIn, { recursive: true });
      }
      rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    })());
  // An interrupt removes the containers at once, which ends their readiness waits; stop() runs
  // again once every start has settled, for anything created meanwhile.
  const onAbort = () => void removeLabelled(docker, { [labelKeys.run]: runId }).catch(() => {});
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const aborted = () => (options.signal?.aborted ? new Error('stack start was interrupted') : undefined);
  const pending = new Map<ContainerSpec['part'], number>();
  const run: ContainerStackRun = {
    docker,
    runId,
    label,
    labels,
    dir,
    readyTimeoutMs,
    since,
    aborted,
    async start(spec, ready) {
      const logFile = join(dir, 'logs', `${spec.node}.log`);
      pending.set(spec.part, (pending.get(spec.part) ?? 0) + 1);
      const image = spec.image ?? (spec.part === 'api' ? undefined : images[spec.part]);
      if (!image) throw new StackPartError(spec.node, 'container did not start: its spec names no image', '');
      const container = new LoopbackContainer(image)
        .withName(spec.name)
        .withNetworkMode(spec.network)
        .withLabels(labels)
        .withEnvironment(spec.env)
        .withLoopbackPorts(spec.publish)
        .withLogConsumer((stream) => appendLog(stream, logFile))
        .withWaitStrategy(Wait.forLogMessage(spec.readyLine))
        .withStartupTimeout(readyTimeoutMs);
      if (spec.address) container.withAddress(spec.network, spec.address);
      if (spec.command) container.withCommand(spec.command);
      if (spec.entrypoint) container.withEntrypoint(spec.entrypoint);
      if (spec.files) container.withCopyContentToContainer(spec.files);
      if (spec.sharedMemoryBytes) container.withSharedMemorySize(spec.sharedMemoryBytes);
      const begun = performance.now();
      try {
        const interrupted = aborted() ?? (stopped ? new Error('the stack was stopped') : undefined);
        if (interrupted) throw interrupted;
        const running = await container.start();
        // Stopped while this one was being created: removed as the rest were.
        if (stopped) {
          await removeLabelled(docker, { [labelKeys.run]: runId });
          throw new Error('the stack was stopped');
        }
        await waitFor(ready, { timeoutMs: readyTimeoutMs, abort: () => aborted()?.message });
        const proc = await new ContainerProcess(spec.node, running.getId(), logFile, docker, ready, readyTimeoutMs, (performance.now() - begun) / 1000).refresh();
        const where = spec.address ? ` ${spec.address}` : '';
        const roles = spec.roles ? ` ${spec.roles.join(', ')}:` : '';
        log(`  ✓ ${spec.node.padEnd(10)}${where}${roles} ready in ${proc.readySeconds.toFixed(1)}s (${since()}s since start)`);
        const left = pending.get(spec.part)! - 1;
        pending.set(spec.part, left);
        if (left === 0 && spec.part !== 'api') options.onPartReady?.(spec.part);
        return proc;
      } catch (err) {
        if (err instanceof StackPartError) throw err;
        const pull = images.source === 'official' && /registry|no such host|dial tcp|pull access|manifest/i.test((err as Error).message);
        const hint = pull ? ' (the official images need a registry; without one, build them here: unset FLUXGATE_IMAGES and run npm run setup -- --containers)' : '';
        throw new StackPartError(spec.node, `container did not start: ${(err as Error).message.trim()}${hint}`, logTail(logFile), logFile);
      }
    },
    settle(results) {
      const failure = aborted() ?? results.find((r): r is PromiseRejectedResult => r.status === 'rejected')?.reason;
      if (failure) throw failure;
    },
  };
  try {
    log(`stack (containers, ${shape}, ${images.source} images, label ${label}, logs ${join(dir, 'logs')})`);
    const stack = await start(run, stop);
    const interrupted = aborted();
    if (interrupted) throw interrupted;
    log(`  stack ready in ${since()}s`);
    return stack;
  } catch (err) {
    await stop();
    throw err;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}
