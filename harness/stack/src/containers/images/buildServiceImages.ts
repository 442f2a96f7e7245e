import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from '../../tools/cacheDir.ts';
import { writeFileAtomically } from '../../tools/publishAtomically.ts';
import { runOrThrow } from '../../tools/runCommand.ts';
import { imageBytes } from './buildImage.ts';
import { bundleService } from './bundleService.ts';
import { nodeRuntime } from './nodeRuntime.ts';

/** A Node service to put in an image of its own. */
export interface ServiceImageSpec {
  /** The image is `flux-gate/<name>:<version>-<hash>`. */
  name: string;
  version: string;
  /** The TypeScript entry point, bundled with every dependency into one file. */
  entry: string;
  /** V8 flags node starts with. */
  nodeFlags?: string[];
}

export interface BuiltServiceImage {
  name: string;
  tag: string;
  /** False when an image of this tag was there already. */
  built: boolean;
  seconds: number;
  bytes: number;
}

export interface ServiceImages {
  /** The runtime every service image is built on: node and its libraries, FROM scratch. */
  runtime: BuiltServiceImage;
  services: BuiltServiceImage[];
}

const shortHash = (text: string | Buffer) => createHash('sha256').update(text).digest('hex').slice(0, 12);

/** Builds `tag` from a folder holding a Dockerfile unless an image of that tag exists. */
async function buildOnce(name: string, tag: string, context: string, log: (line: string) => void): Promise<BuiltServiceImage> {
  const started = performance.now();
  const seconds = () => Number(((performance.now() - started) / 1000).toFixed(1));
  const present = await imageBytes(tag);
  if (present !== undefined) return { name, tag, built: false, seconds: seconds(), bytes: present };
  log(`docker build -t ${tag}`);
  // The classic builder: it needs no buildx, and FROM an image of the engine never pulls.
  await runOrThrow('docker', ['build', '--quiet', '-t', tag, context], { env: { ...process.env, DOCKER_BUILDKIT: '0' } });
  const bytes = await imageBytes(tag);
  if (bytes === undefined) throw new Error(`docker build reported success, but no image ${tag} exists`);
  return { name, tag, built: true, seconds: seconds(), bytes };
}

/**
 * Builds an image per service with no registry: a runtime image FROM scratch holding the host's node
 * and the libraries `ldd` names, and on it one layer per service holding its bundle, run as the
 * unprivileged user `node`. Tags carry a hash of what went in, so a second run with the same node and
 * the same code reuses every image in seconds. Inputs are laid out under `<cache>/images/`.
 */
export async function buildServiceImages(specs: ServiceImageSpec[], log: (line: string) => void, cache: string = cacheDir()): Promise<ServiceImages> {
  const node = await nodeRuntime(cache);
  const runtimeDockerfile = 'FROM scratch\nCOPY rootfs/ /\nENV PATH=/usr/local/bin\nUSER 1000:1000\nWORKDIR /home/node\n';
  writeFileAtomically(join(node.dir, 'Dockerfile'), runtimeDockerfile);
  const runtimeTag = `flux-gate/node:${node.nodeVersion}-${shortHash(node.hash + runtimeDockerfile)}`;
  const runtime = await buildOnce('node', runtimeTag, node.dir, log);

  const services: BuiltServiceImage[] = [];
  for (const spec of specs) {
    // A context of this build's own: a second builder at the same time bundles into another.
    const context = mkdtempSync(join(cache, 'images', `${spec.name}-`));
    try {
      const bundle = join(context, 'main.mjs');
      await bundleService(spec.entry, bundle);
      const entrypoint = JSON.stringify(['/usr/local/bin/node', ...(spec.nodeFlags ?? []), '/app/main.mjs']);
      const dockerfile = `FROM ${runtimeTag}\nCOPY main.mjs /app/main.mjs\nENTRYPOINT ${entrypoint}\n`;
      writeFileSync(join(context, 'Dockerfile'), dockerfile);
      const tag = `flux-gate/${spec.name}:${spec.version}-${shortHash(Buffer.concat([Buffer.from(dockerfile), readFileSync(bundle)]))}`;
      services.push(await buildOnce(spec.name, tag, context, log));
    } finally {
      rmSync(context, { recursive: true, force: true });
    }
  }
  return { runtime, services };
}
