import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { cpus, platform } from 'node:os';
import type { Manifest, RunTopology } from '@flux-gate/run-format';
import { runCommand, type StackNode, type StackTools, type StackTopology, versions } from '@flux-gate/stack';
import type { EngineName } from '../load/engines.ts';
import { findK6 } from '../load/k6Engine.ts';

const undiciVersion = (createRequire(import.meta.url)('undici/package.json') as { version: string }).version;

async function firstLine(command: string, args: string[]): Promise<string> {
  const result = await runCommand(command, args).catch(() => undefined);
  return (result ? result.stdout + result.stderr : '').trim().split('\n')[0] ?? '';
}

/** What makes a run reproducible: seed, git state, command line and tool versions. */
export async function buildManifest(opts: { experiment: string; seed: number; tools: StackTools; cwd: string; engine: EngineName }): Promise<Manifest> {
  const [sha, status, redis, java] = await Promise.all([
    firstLine('git', ['-C', opts.cwd, 'rev-parse', 'HEAD']),
    runCommand('git', ['-C', opts.cwd, 'status', '--porcelain']).catch(() => undefined),
    firstLine(opts.tools.redisServer, ['--version']),
    firstLine(opts.tools.java, ['-version']),
  ]);
  const postgres = await firstLine(`${opts.tools.postgresBin}/postgres`, ['--version']);
  return {
    runId: randomUUID(),
    experiment: opts.experiment,
    seed: opts.seed,
    startedAt: Date.now(),
    gitSha: sha || 'unknown',
    gitDirty: !!status?.stdout.trim(),
    commandLine: process.argv.slice(1),
    toolVersions: {
      node: process.version,
      loadEngine: opts.engine === 'k6' ? `k6 (${await findK6().then((k6) => firstLine(k6, ['version'])).catch(() => 'not found')})` : `builtin (undici ${undiciVersion})`,
      kafka: versions.kafka,
      toxiproxy: versions.toxiproxy,
      redis,
      postgres,
      java,
    },
    host: { platform: platform(), cpus: cpus().length, node: process.version },
  };
}

/** The topology as the run records it in its manifest: the shape and each node's name, part, starting roles and address. */
export function runTopology(topology: StackTopology, more: readonly StackNode[] = []): RunTopology {
  return { shape: topology.shape, nodes: [...topology.nodes, ...more].map((n) => ({ name: n.name, part: n.part, roles: [...n.roles], address: n.host })) };
}
