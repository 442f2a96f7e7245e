import { execFile } from 'node:child_process';

/**
 * Runs `ip` commands, one per line, in one `ip -batch` process (a few milliseconds for dozens of
 * links), in a namespace when given (`ip -n`). With `force`, goes on past failures and resolves anyway;
 * otherwise rejects with ip's message and the failing line.
 */
export function ipBatch(lines: string[], options: { namespace?: string; force?: boolean } = {}): Promise<void> {
  const args = [...(options.namespace ? ['-n', options.namespace] : []), ...(options.force ? ['-force'] : []), '-batch', '-'];
  return new Promise((resolve, reject) => {
    const child = execFile('ip', args, (err, _stdout, stderr) => {
      if (err && !options.force) reject(new Error(`\`ip ${args.join(' ')}\` failed: ${stderr.trim() || err.message}`));
      else resolve();
    });
    child.stdin?.end(lines.join('\n') + '\n');
  });
}
