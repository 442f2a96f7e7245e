import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { aptInstall } from './aptInstall.ts';
import { cacheDir } from './cacheDir.ts';
import { publishFolder, stagingFolderFor } from './publishAtomically.ts';
import type { EnsureToolsOptions } from './ensureTools.ts';
import { runCommand, runOrThrow, which } from './runCommand.ts';
import { ToolError } from './ToolError.ts';
import { versions } from './versions.ts';

export interface Schemathesis {
  /** The command and the arguments before schemathesis's own: `<venv>/bin/python -m schemathesis.cli`. */
  command: string;
  prefix: string[];
  cached: boolean;
}

/** Schemathesis 4 needs Python 3.11 or newer. */
const minimum = [3, 11] as const;

async function pythonVersion(python: string): Promise<[number, number] | undefined> {
  const result = await runCommand(python, ['-c', 'import sys, venv, ensurepip; print(*sys.version_info[:2])']).catch(() => undefined);
  if (result?.code !== 0) return undefined;
  const [major, minor] = result.stdout.trim().split(' ').map(Number);
  return [major ?? 0, minor ?? 0];
}

const recentEnough = (v: [number, number] | undefined) => v !== undefined && (v[0] > minimum[0] || (v[0] === minimum[0] && v[1] >= minimum[1]));

/** A python3 of at least 3.11 that can make a venv; Debian's python3 and python3-venv when missing and root. */
async function findPython(log: (line: string) => void): Promise<string> {
  const lookup = async () => {
    for (const name of ['python3', 'python3.13', 'python3.12', 'python3.11']) {
      const path = await which(name);
      if (path && recentEnough(await pythonVersion(path))) return path;
    }
    return undefined;
  };
  const found = await lookup();
  if (found) return found;
  await aptInstall('python3', ['python3', 'python3-venv'], log);
  const installed = await lookup();
  if (!installed) throw new ToolError('python3', `Schemathesis needs Python ${minimum.join('.')} or newer with venv`, 'apt-get install -y python3 python3-venv');
  return installed;
}

/**
 * Schemathesis (PyPI), the API fuzzer of the OpenAPI test, at its pinned version in a venv of its
 * own, `<cache>/schemathesis-<version>/`. Only setup and the test that runs it call this, so an
 * experiment never installs it. The venv is built beside its place and moved there when complete, so
 * two processes installing at once cannot leave a half-built one (run through `python -m`, which
 * finds its venv from where it is).
 */
export async function ensureSchemathesis(options: EnsureToolsOptions = {}): Promise<Schemathesis> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const started = performance.now();
  const cache = cacheDir(options.env);
  const root = join(cache, `schemathesis-${versions.schemathesis}`);
  const python = join(root, 'bin', 'python');
  const tool = { command: python, prefix: ['-m', 'schemathesis.cli'] };
  const done = (cached: boolean) => {
    log(`  ✓ ${`schemathesis ${versions.schemathesis}`.padEnd(28)} ${cached ? 'ready' : 'installed'} in ${((performance.now() - started) / 1000).toFixed(1)}s`);
    return { ...tool, cached };
  };
  if (existsSync(python)) return done(true);

  const sub = (line: string) => log(`    … ${line}`);
  const system = await findPython(sub);
  mkdirSync(cache, { recursive: true });
  const building = stagingFolderFor(root);
  const pip = [join(building, 'bin', 'python'), ['-m', 'pip', 'install', '--quiet', `schemathesis==${versions.schemathesis}`]] as const;
  try {
    sub(`${system} -m venv ${building}`);
    await runOrThrow(system, ['-m', 'venv', building]);
    sub(`pip install schemathesis==${versions.schemathesis} (from PyPI, once)`);
    await runOrThrow(pip[0], [...pip[1]]);
  } catch (err) {
    rmSync(building, { recursive: true, force: true });
    throw new ToolError('schemathesis', `install failed: ${(err as Error).message}`, `${system} -m venv ${root} && ${root}/bin/python -m pip install schemathesis==${versions.schemathesis}`);
  }
  publishFolder(building, root);
  return done(false);
}
