import { CommanderError, type Command } from 'commander';
import { RunFolderError } from '@flux-gate/run-format';

/**
 * Parses argv and runs the program. Bad input (a usage error or a path that is not a run folder)
 * exits 3 with a message naming the path and the next command; any other failure exits 1.
 */
export function runCli(program: Command): void {
  program.exitOverride().showHelpAfterError();
  program.parseAsync().catch((err: unknown) => {
    if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 3);
    process.stderr.write(`${program.name()}: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(err instanceof RunFolderError ? 3 : 1);
  });
}
