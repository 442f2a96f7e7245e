import { mkdirSync } from 'node:fs';
import { buildK6 } from './buildK6.ts';
import { cacheDir } from './cacheDir.ts';
import { fetchKafka } from './fetchKafka.ts';
import { findChromium, findJava, findPostgres, findRedis, findWrk } from './findSystemTools.ts';
import { goInstallTool } from './goInstallTool.ts';
import { versions } from './versions.ts';

/** Where every external part lives on this machine. */
export interface Tools {
  cache: string;
  redisServer: string;
  /** Folder holding initdb and postgres. */
  postgresBin: string;
  java: string;
  /** Folder of the Kafka broker's jars. */
  kafkaLibs: string;
  toxiproxyServer: string;
  k6: string;
  k6Extensions: string[];
  /** Vegeta, the constant-rate load generator of the benchmark's fixed-rate phase. */
  vegeta: string;
  /** wrk, the load generator of the benchmark's full-speed phases. */
  wrk: string;
  /** Chromium for browser tests of the reports. */
  chromium: string;
  /** Why an expected k6 extension is missing, if one is. */
  k6Missing?: string;
}

export interface EnsureToolsOptions {
  /** Receives one line per step and per sub-step. Defaults to stderr. */
  log?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

let memo: Promise<Tools> | undefined;

/**
 * Finds, fetches or builds every tool at its pinned version, printing each step and its time.
 * Cheap after the first run: each step only checks its cache. Memoized per process.
 */
export function ensureTools(options: EnsureToolsOptions = {}): Promise<Tools> {
  memo ??= provision(options).catch((err: unknown) => {
    memo = undefined;
    throw err;
  });
  return memo;
}

async function provision(options: EnsureToolsOptions): Promise<Tools> {
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

  log(`tools (cache: ${cache})`);
  const redisServer = await step('redis-server', () => findRedis(sub));
  const postgresBin = await step('postgresql', () => findPostgres(sub));
  const java = await step('java', () => findJava(sub));
  const chromium = await step('chromium', () => findChromium(sub));
  const wrk = await step('wrk', () => findWrk(sub));
  const kafka = await step(`kafka ${versions.kafka}`, () => fetchKafka(cache, sub), (k) => k.cached);
  const toxiproxy = await step(
    `toxiproxy ${versions.toxiproxy}`,
    () => goInstallTool(cache, { name: 'toxiproxy', module: 'github.com/Shopify/toxiproxy/v2/cmd/server', version: versions.toxiproxy, built: 'server', bin: 'toxiproxy-server' }, sub),
    (t) => t.cached,
  );
  const vegeta = await step(
    `vegeta ${versions.vegeta}`,
    () => goInstallTool(cache, { name: 'vegeta', module: 'github.com/tsenart/vegeta/v12', version: versions.vegeta, built: 'vegeta', bin: 'vegeta' }, sub),
    (t) => t.cached,
  );
  const k6 = await step(`k6 ${versions.k6}`, () => buildK6(cache, sub), (k) => k.cached);
  if (k6.missing) log(`  ! k6 is built without xk6-kafka: ${k6.missing}`);

  return {
    cache,
    redisServer,
    postgresBin,
    java,
    kafkaLibs: kafka.libs,
    toxiproxyServer: toxiproxy.bin,
    k6: k6.bin,
    k6Extensions: k6.extensions,
    vegeta: vegeta.bin,
    wrk,
    chromium,
    ...(k6.missing ? { k6Missing: k6.missing } : {}),
  };
}
