import { runOrThrow } from './runCommand.ts';
import { ToolError } from './ToolError.ts';

let updated = false;

/** apt-get waits this long for the dpkg lock another apt-get holds, rather than failing at once. */
const lockWait = ['-o', 'DPkg::Lock::Timeout=120'];

/**
 * Installs Debian packages when running as root; otherwise throws a ToolError with the exact command.
 */
export async function aptInstall(tool: string, packages: string[], log: (line: string) => void): Promise<void> {
  const command = `sudo apt-get update && sudo apt-get install -y ${packages.join(' ')}`;
  if (process.getuid?.() !== 0) {
    throw new ToolError(tool, `not installed, and installing needs root`, command);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    if (!updated) {
      log(`apt-get update`);
      await runOrThrow('apt-get', [...lockWait, 'update', '-qq'], { env });
      updated = true;
    }
    log(`apt-get install ${packages.join(' ')}`);
    await runOrThrow('apt-get', [...lockWait, 'install', '-y', '-qq', '--no-install-recommends', ...packages], { env });
  } catch (err) {
    throw new ToolError(tool, `apt-get failed: ${(err as Error).message}`, command);
  }
}
