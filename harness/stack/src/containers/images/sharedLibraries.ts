import { runCommand } from '../../tools/runCommand.ts';

/**
 * The shared libraries `ldd` resolves for each of `binaries`, with the dynamic loader: absolute
 * paths on this machine. A library ldd cannot find (an optional X11 one of the JRE) is left out.
 */
export async function sharedLibraries(binaries: string[]): Promise<string[]> {
  const found = new Set<string>();
  for (const binary of binaries) {
    const { code, stdout } = await runCommand('ldd', [binary]);
    if (code !== 0) continue; // statically linked, or not an ELF file
    for (const line of stdout.split('\n')) {
      const resolved = /=>\s+(\/\S+)/.exec(line)?.[1] ?? /^\s*(\/\S+)\s+\(/.exec(line)?.[1];
      if (resolved) found.add(resolved);
    }
  }
  return [...found].sort();
}
