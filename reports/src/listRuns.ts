import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runFileNames, type Manifest, type Results } from '@flux-gate/run-format';

/** A run as the index lists it: read from its manifest and results alone. */
export interface RunListing {
  /** runs-relative path, `<experiment>/<timestamp>`. */
  path: string;
  dir: string;
  manifest: Manifest;
  results: Results | null;
}

async function readJson<T>(file: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

async function subfolders(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory()).map((e) => e.name);
}

/** Every run folder under runs/<experiment>/<timestamp>/ that has a readable manifest, newest first. */
export async function listRuns(root: string): Promise<RunListing[]> {
  const runs: RunListing[] = [];
  for (const experiment of await subfolders(root)) {
    for (const stamp of await subfolders(join(root, experiment))) {
      const dir = join(root, experiment, stamp);
      if (!existsSync(join(dir, runFileNames.manifest))) continue;
      const manifest = await readJson<Manifest>(join(dir, runFileNames.manifest));
      if (!manifest) continue;
      runs.push({ path: `${experiment}/${stamp}`, dir, manifest, results: await readJson<Results>(join(dir, runFileNames.results)) });
    }
  }
  return runs.sort((a, b) => b.manifest.startedAt - a.manifest.startedAt);
}
