import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomically } from '../../tools/publishAtomically.ts';
import { runCommand, runOrThrow } from '../../tools/runCommand.ts';
import { ToolError } from '../../tools/ToolError.ts';

/** What goes into one locally built image. */
export interface ImageRecipe {
  part: 'redis' | 'postgres' | 'kafka' | 'toxiproxy';
  /** The pinned version of what the image runs; the tag's first half. */
  version: string;
  dockerfile: string;
  /** Files copied into the build context: `to` is relative to the context, `from` a file on this machine (links followed). */
  files: Array<{ from: string; to: string }>;
  /** Writes what is made rather than copied (a data directory, a JRE) into the context. */
  generate?: (context: string, log: (line: string) => void) => Promise<void>;
  /** What the generated part depends on beyond `files` (a JDK's release, a module list). */
  inputs?: string;
  /** The module that makes the recipe (its import.meta.url): its source is part of the hash, so a change to `generate` makes a new tag. */
  source: string;
}

export interface BuiltImage {
  tag: string;
  /** True when an image with this tag was already there. */
  cached: boolean;
  seconds: number;
  bytes: number;
}

const sha256File = (file: string) =>
  new Promise<string>((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (d) => hash.update(d))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });

/**
 * The recipe's content hash: the Dockerfile, every input file's place and bytes, the source of the
 * module that makes the recipe and its declared inputs. Any change makes a new tag, so a stale image is never reused.
 */
export async function recipeHash(recipe: ImageRecipe, workDir: string): Promise<string> {
  const hash = createHash('sha256').update(recipe.dockerfile).update(readFileSync(fileURLToPath(recipe.source))).update(recipe.inputs ?? '');
  const files = [...recipe.files].sort((a, b) => a.to.localeCompare(b.to));
  // Hashing every input (PostgreSQL's share folder is some 1,700 files) takes seconds on a busy
  // machine; a file whose size and modification time are unchanged keeps the hash it had.
  const known = new Map<string, string>(existsSync(join(workDir, fingerprints)) ? Object.entries(JSON.parse(readFileSync(join(workDir, fingerprints), 'utf8')) as object) : []);
  const seen: Record<string, string> = {};
  for (const f of files) {
    const st = statSync(f.from);
    const key = `${f.from}\0${st.size}\0${st.mtimeMs}`;
    const content = known.get(key) ?? (await sha256File(f.from));
    seen[key] = content;
    hash.update(`${f.to}\0${st.mode & 0o777}\0${content}\0`);
  }
  mkdirSync(workDir, { recursive: true });
  writeFileAtomically(join(workDir, fingerprints), JSON.stringify({ ...Object.fromEntries(known), ...seen }));
  return hash.digest('hex').slice(0, 12);
}

/** The content hash of each input file seen, by path, size and modification time. */
const fingerprints = 'input-hashes.json';

/** The image's size in bytes, or undefined when the engine has no image with this tag. */
export async function imageBytes(tag: string, env: NodeJS.ProcessEnv = process.env): Promise<number | undefined> {
  const r = await runCommand('docker', ['image', 'inspect', '--format', '{{.Size}}', tag], { env });
  return r.code === 0 ? Number(r.stdout.trim()) : undefined;
}

/**
 * Builds `flux-gate/<part>:<version>-<content hash>` from the recipe, unless the engine already has
 * it. The context is made under `workDir` and removed after the build; the legacy builder
 * (DOCKER_BUILDKIT=0) needs no buildx.
 */
export async function buildImage(recipe: ImageRecipe, workDir: string, log: (line: string) => void): Promise<BuiltImage> {
  const started = performance.now();
  const tag = `flux-gate/${recipe.part}:${recipe.version}-${await recipeHash(recipe, workDir)}`;
  const seconds = () => (performance.now() - started) / 1000;
  const existing = await imageBytes(tag);
  if (existing !== undefined) return { tag, cached: true, seconds: seconds(), bytes: existing };

  mkdirSync(workDir, { recursive: true });
  const context = mkdtempSync(join(workDir, `${recipe.part}-`));
  try {
    log(`${tag}: copying ${recipe.files.length} files into the build context`);
    for (const f of recipe.files) {
      const target = join(context, f.to);
      mkdirSync(dirname(target), { recursive: true });
      // copyFileSync follows a link to its file; Node 24's cpSync with dereference takes a link
      // such as /usr/share/zoneinfo/Cuba for a folder and throws.
      copyFileSync(f.from, target);
      chmodSync(target, statSync(f.from).mode & 0o777);
    }
    await recipe.generate?.(context, log);
    writeFileSync(join(context, 'Dockerfile'), recipe.dockerfile);
    log(`${tag}: docker build`);
    await runOrThrow('docker', ['build', '-q', '--label', `dev.flux-gate.part=${recipe.part}`, '-t', tag, context], {
      env: { ...process.env, DOCKER_BUILDKIT: '0' },
    }).catch((err: Error) => {
      throw new ToolError(`image ${recipe.part}`, `docker build failed: ${err.message}`, `npm run setup -- --containers  (log above; is the engine up? docker info)`);
    });
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
  await removeOlderBuilds(recipe.part, tag, log);
  return { tag, cached: false, seconds: seconds(), bytes: (await imageBytes(tag)) ?? 0 };
}

/** Removes this part's earlier builds (by their label); one a container still uses stays. */
async function removeOlderBuilds(part: ImageRecipe['part'], keep: string, log: (line: string) => void): Promise<void> {
  const listed = await runCommand('docker', ['images', '--filter', `label=dev.flux-gate.part=${part}`, '--format', '{{.Repository}}:{{.Tag}}']);
  const older = listed.stdout.split('\n').filter((t) => t && t !== keep && !t.endsWith(':<none>'));
  for (const tag of older) {
    const removed = await runCommand('docker', ['rmi', tag]);
    if (removed.code === 0) log(`removed the earlier build ${tag}`);
  }
}
