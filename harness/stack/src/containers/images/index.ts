import { join } from 'node:path';
import { ensureStackTools } from '../../tools/ensureTools.ts';
import { versions } from '../../tools/versions.ts';
import { type BuiltImage, buildImage, type ImageRecipe } from './buildImage.ts';
import { kafkaImage } from './kafkaImage.ts';
import { postgresImage } from './postgresImage.ts';
import { redisImage } from './redisImage.ts';
import { toxiproxyImage } from './toxiproxyImage.ts';

export type ImagePart = ImageRecipe['part'];
export const imageParts: readonly ImagePart[] = ['redis', 'postgres', 'kafka', 'toxiproxy'];

/**
 * The four stores' images. Local and official images are run the same way:
 * - redis: `redis-server <options>` (on PATH);
 * - postgres: `postgres -c <setting>…`; user `flux`, database `fluxgate`, trust authentication
 *   (the official image gets POSTGRES_USER, POSTGRES_DB and POSTGRES_HOST_AUTH_METHOD for that);
 * - kafka: configured only by KAFKA_* variables and CLUSTER_ID, as apache/kafka is, storage in
 *   /var/lib/kafka/data (KAFKA_LOG_DIRS);
 * - toxiproxy: the arguments of its server (`-host=0.0.0.0 -port=8474`).
 */
export interface InfraImages {
  /** `local`: built here from the provisioned binaries; `official`: the pinned registry tags. */
  source: 'local' | 'official';
  redis: string;
  postgres: string;
  kafka: string;
  toxiproxy: string;
}

export interface ImageBuildReport extends BuiltImage {
  part: ImagePart;
}

/** Which images to use: FLUXGATE_IMAGES=official, else the locally built ones. A bad value names the variable. */
export function imageSource(env: NodeJS.ProcessEnv = process.env): InfraImages['source'] {
  const value = env.FLUXGATE_IMAGES ?? 'local';
  if (value !== 'local' && value !== 'official') throw new Error(`FLUXGATE_IMAGES must be 'local' or 'official', got '${value}'`);
  return value;
}

let memo: Promise<{ images: InfraImages; builds: ImageBuildReport[] }> | undefined;

/**
 * The image tag of each store. With local images (the default), builds whichever of
 * `flux-gate/<part>:<version>-<content hash>` the engine lacks, from the binaries `npm run setup`
 * provisions, printing each step; a second call finds them in seconds. The engine must answer
 * (ensureDockerEngine). Memoized per process.
 */
export function ensureInfraImages(options: { log?: (line: string) => void; env?: NodeJS.ProcessEnv } = {}): Promise<{ images: InfraImages; builds: ImageBuildReport[] }> {
  memo ??= resolveImages(options).catch((err: unknown) => {
    memo = undefined;
    throw err;
  });
  return memo;
}

async function resolveImages(options: { log?: (line: string) => void; env?: NodeJS.ProcessEnv }): Promise<{ images: InfraImages; builds: ImageBuildReport[] }> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  if (imageSource(env) === 'official') return { images: { source: 'official', ...versions.officialImages }, builds: [] };
  const tools = await ensureStackTools({ log, env });
  const sub = (line: string) => log(`    … ${line}`);
  log(`images (local builds; FLUXGATE_IMAGES=official uses ${Object.values(versions.officialImages).join(', ')})`);
  const recipes: Record<ImagePart, () => Promise<ImageRecipe>> = {
    redis: () => redisImage(tools.redisServer),
    postgres: () => postgresImage(tools.postgresBin),
    kafka: () => kafkaImage({ java: tools.java, kafkaLibs: tools.kafkaLibs, cache: tools.cache, log: sub }),
    toxiproxy: async () => toxiproxyImage(tools.toxiproxyServer),
  };
  const builds: ImageBuildReport[] = [];
  for (const part of imageParts) {
    const started = performance.now();
    const built = await buildImage(await recipes[part](), join(tools.cache, 'images'), sub);
    const seconds = (performance.now() - started) / 1000;
    builds.push({ part, ...built, seconds });
    log(`  ✓ ${`image ${part}`.padEnd(28)} ${built.cached ? 'ready' : 'built'} in ${seconds.toFixed(1)}s  ${built.tag} (${(built.bytes / 1e6).toFixed(0)} MB)`);
  }
  const tag = (part: ImagePart) => builds.find((b) => b.part === part)!.tag;
  return { images: { source: 'local', redis: tag('redis'), postgres: tag('postgres'), kafka: tag('kafka'), toxiproxy: tag('toxiproxy') }, builds };
}
