import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { goEnv } from './goEnv.ts';
import { runOrThrow } from './runCommand.ts';
import { ToolError } from './ToolError.ts';

export interface GoTool {
  /** Tool name, for the cache folder and errors. */
  name: string;
  /** The main package to install, without the version. */
  module: string;
  version: string;
  /** The binary `go install` writes (the package's last path element). */
  built: string;
  /** The name the binary is kept under. */
  bin: string;
}

/** A tool binary built from its Go module once, into `<cache>/<name>-<version>/`. */
export async function goInstallTool(cache: string, tool: GoTool, log: (line: string) => void): Promise<{ bin: string; cached: boolean }> {
  const dir = join(cache, `${tool.name}-${tool.version}`);
  const bin = join(dir, tool.bin);
  if (existsSync(bin)) return { bin, cached: true };
  const { go, env } = await goEnv(cache);
  mkdirSync(dir, { recursive: true });
  const module = `${tool.module}@${tool.version}`;
  log(`go install ${module}`);
  await runOrThrow(go, ['install', module], { env: { ...env, GOBIN: dir } }).catch((err: Error) => {
    throw new ToolError(tool.name, `build failed: ${err.message}`, `GOBIN=${dir} go install ${module}`);
  });
  if (tool.built !== tool.bin) renameSync(join(dir, tool.built), bin);
  return { bin, cached: false };
}
