import { join } from 'node:path';
import { ManagedProcess } from './ManagedProcess.ts';
import { toxiproxyAnswers } from './readinessProbes.ts';

/** The Toxiproxy server; proxies are created by the provider once it answers. */
export function toxiproxyProcess(opts: { bin: string; port: number; dir: string; readyTimeoutMs: number }): ManagedProcess {
  return new ManagedProcess({
    name: 'toxiproxy',
    command: opts.bin,
    args: ['-host', '127.0.0.1', '-port', String(opts.port)],
    logFile: join(opts.dir, 'logs', 'toxiproxy.log'),
    readyTimeoutMs: opts.readyTimeoutMs,
    ready: () => toxiproxyAnswers(`http://127.0.0.1:${opts.port}`),
  });
}
