import { mkdirSync } from 'node:fs';
import { cacheDir } from './cacheDir.ts';
import { cargoInstallTool } from './cargoInstallTool.ts';
import { fetchKafka } from './fetchKafka.ts';
import { findChromium, findJava, findPostgres, findRedis, findWrk } from './findSystemTools.ts';
import { goInstallTool } from './goInstallTool.ts';
import { versions } from './versions.ts';

/** Where the stack's parts live on this machine: all a stack, the system and an experiment run on. */
export interface StackTools {
  cache: string;
  redisServer: string;
  /** Folder holding initdb and postgres. */
  postgresBin: string;
  java: string;
  /** Folder of the Kafka broker's jars. */
  kafkaLibs: string;
  toxiproxyServer: string;
}

/** Where every external part lives on this machine: the stack's, and those of the tests and the bench. */
export interface Tools extends StackTools {
  /** wrk, the load generator of the benchmark's full-speed phases. */
  wrk: string;
  /** Chromium for browser tests of the pages. */
  chromium: string;
}

export interface EnsureToolsOptions {
  /** Receives one line per step and per sub-step. Defaults to stderr. */
  log?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

/** What only `npm run bench` needs, on top of Tools. */
export interface BenchTools {
  /** wrk, the load generator of the benchmark's full-speed phases. */
  wrk: string;
  /** oha, the constant-rate load generator of the benchmark's fixed-rate phase. */
  oha: string;
}

let stackMemo: Promise<StackTools> | undefined;
let memo: Promise<Tools> | undefined;

/**
 * Finds, fetches or builds what the stack runs on (Redis, PostgreSQL, Java, Kafka, Toxiproxy) at
 * its pinned version, printing each step and its time. An experiment needs nothing else. Cheap
 * after the first run: each step only checks its cache. Memoized per process.
 */
export function ensureStackTools(options: EnsureToolsOptions = {}): Promise<StackTools> {
  stackMemo ??= provisionStack(options).catch((err: unknown) => {
    stackMemo = undefined;
    throw err;
  });
  return stackMemo;
}

/**
 * ensureStackTools, then what only tests and the bench use: Chromium (browser tests) and wrk.
 * Memoized per process.
 */
export function ensureTools(options: EnsureToolsOptions = {}): Promise<Tools> {
  memo ??= (async () => {
    const stack = await ensureStackTools(options);
    const { step, sub } = steps(options);
    const chromium = await step('chromium', () => findChromium(sub));
    const wrk = await step('wrk', () => findWrk(sub));
    return { ...stack, chromium, wrk };
  })().catch((err: unknown) => {
    memo = undefined;
    throw err;
  });
  return memo;
}

/**
 * The benchmark's own load generators, at their pinned versions. Kept apart from ensureTools because
 * oha is built from source with cargo (minutes, once), which tests and experiments do not need.
 */
export async function ensureBenchTools(options: EnsureToolsOptions = {}): Promise<BenchTools> {
  const { cache, step, sub } = steps(options);
  const wrk = await step('wrk', () => findWrk(sub));
  const oha = await step(
    `oha ${versions.oha}`,
    () => cargoInstallTool(cache, { crate: 'oha', version: versions.oha, neededFor: "the benchmark's fixed-rate load generator" }, sub),
    (t) => t.cached,
  );
  return { wrk, oha: oha.bin };
}

/** The cache, and a logger that prints each step with its time and each sub-step indented. */
function steps(options: EnsureToolsOptions) {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const cache = cacheDir(options.env);
  mkdirSync(cache, { recursive: true });
  async function step<T>(name: string, work: () => Promise<T>, cached: (value: T) => boolean = () => true): Promise<T> {
    const started = performance.now();
    const value = await work();
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    log(`  ✓ ${name.padEnd(28)} ${cached(value) ? 'ready' : 'installed'} in ${seconds}s`);
    return value;
  }
  const sub = (line: string) => log(`    … ${line}`);
  return { log, cache, step, sub };
}

async function provisionStack(options: EnsureToolsOptions): Promise<StackTools> {
  const { log, cache, step, sub } = steps(options);

  log(`tools (cache: ${cache})`);
  const redisServer = await step('redis-server', () => findRedis(sub));
  const postgresBin = await step('postgresql', () => findPostgres(sub));
  const java = await step('java', () => findJava(sub));
  const kafka = await step(`kafka ${versions.kafka}`, () => fetchKafka(cache, sub), (k) => k.cached);
  const toxiproxy = await step(
    `toxiproxy ${versions.toxiproxy}`,
    () => goInstallTool(cache, { name: 'toxiproxy', module: 'github.com/Shopify/toxiproxy/v2/cmd/server', version: versions.toxiproxy, built: 'server', bin: 'toxiproxy-server' }, sub),
    (t) => t.cached,
  );

  return {
    cache,
    redisServer,
    postgresBin,
    java,
    kafkaLibs: kafka.libs,
    toxiproxyServer: toxiproxy.bin,
  };
}
