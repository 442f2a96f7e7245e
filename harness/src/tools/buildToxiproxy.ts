import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { goEnv } from './goEnv.ts';
import { runOrThrow } from './runCommand.ts';
import { ToolError } from './ToolError.ts';
import { versions } from './versions.ts';

/** The Toxiproxy server binary, built from its Go module once. */
export async function buildToxiproxy(cache: string, log: (line: string) => void): Promise<{ bin: string; cached: boolean }> {
  const dir = join(cache, `toxiproxy-${versions.toxiproxy}`);
  const bin = join(dir, 'toxiproxy-server');
  if (existsSync(bin)) return { bin, cached: true };
  const { go, env } = await goEnv(cache);
  mkdirSync(dir, { recursive: true });
  const module = `github.com/Shopify/toxiproxy/v2/cmd/server@${versions.toxiproxy}`;
  log(`go install ${module}`);
  await runOrThrow(go, ['install', module], { env: { ...env, GOBIN: dir } }).catch((err: Error) => {
    throw new ToolError('toxiproxy', `build failed: ${err.message}`, `GOBIN=${dir} go install ${module}`);
  });
  renameSync(join(dir, 'server'), bin);
  return { bin, cached: false };
}
