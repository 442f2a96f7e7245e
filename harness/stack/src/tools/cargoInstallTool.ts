import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { runOrThrow, which } from './runCommand.ts';
import { ToolError } from './ToolError.ts';

export interface CargoTool {
  /** The crate on crates.io, which is also the tool's name and its binary's. */
  crate: string;
  version: string;
  /** Why the project needs it, for the error when cargo is missing. */
  neededFor: string;
}

/**
 * A tool binary built from its crate once, with the crate's own lock file, into
 * `<cache>/<crate>-<version>/bin/`. Cargo's output arrives as progress: one line per 25 crates.
 */
export async function cargoInstallTool(cache: string, tool: CargoTool, log: (line: string) => void): Promise<{ bin: string; cached: boolean }> {
  const root = join(cache, `${tool.crate}-${tool.version}`);
  const bin = join(root, 'bin', tool.crate);
  if (existsSync(bin)) return { bin, cached: true };
  // rustup puts cargo in ~/.cargo/bin, which a non-login shell may not have on PATH.
  const rustupCargo = join(process.env.HOME ?? '', '.cargo', 'bin', 'cargo');
  const cargo = (await which('cargo')) ?? (existsSync(rustupCargo) ? rustupCargo : undefined);
  const install = ['install', tool.crate, '--version', tool.version, '--locked', '--root', root];
  if (!cargo) {
    throw new ToolError(tool.crate, `the Rust toolchain (cargo) is needed to build ${tool.crate}, ${tool.neededFor}`, 'curl https://sh.rustup.rs -sSf | sh -s -- -y, then npm run setup -- --bench');
  }
  mkdirSync(root, { recursive: true });
  log(`cargo ${install.join(' ')} (a few minutes, once)`);
  let compiled = 0;
  let partial = '';
  const onOutput = (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) if (/^\s*Compiling /.test(line) && ++compiled % 25 === 0) log(`${compiled} crates compiled`);
  };
  await runOrThrow(cargo, install, { onOutput }).catch((err: Error) => {
    throw new ToolError(tool.crate, `build failed: ${err.message}`, `${cargo} ${install.join(' ')}`);
  });
  return { bin, cached: false };
}
