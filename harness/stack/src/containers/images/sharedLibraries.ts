import { runCommand } from '../../tools/runCommand.ts';

/**
 * The shared libraries `ldd` resolves for `binaries` (one ldd for all), with the dynamic loader:
 * absolute paths on this machine. A library ldd cannot find (an optional X11 one of the JRE) and
 * a statically linked file add nothing.
 */
export async function sharedLibraries(binaries: string[]): Promise<string[]> {
  const { stdout } = await runCommand('ldd', binaries);
  const found = new Set<string>();
  for (const line of stdout.split('\n')) {
    const resolved = /=>\s+(\/\S+)/.exec(line)?.[1] ?? /^\s*(\/\S+)\s+\(/.exec(line)?.[1];
    if (resolved) found.add(resolved);
  }
  return [...found].sort();
}
