import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findNginx } from './tools/findSystemTools.ts';
import { addr, loopback } from './loopbackAddress.ts';
import { ManagedProcess } from './ManagedProcess.ts';
import { freePort } from './freePort.ts';
import { nginxConfig, type StaticPage } from './nginxConfig.ts';
import type { StackNode } from './StackTopology.ts';

export interface StartedBalancer {
  url: string;
  node: StackNode & { readySeconds: number };
  process: ManagedProcess;
}

/**
 * nginx (Debian's nginx-light, installed with apt when missing and root) as the load balancer in
 * front of `upstreams` (host:port each), on a free port of 127.0.0.1, run as the harness's own
 * process: its config, pid file and temporary files in `<dir>/nginx`, its log in `logDir`. Pages
 * are written into that folder and served by nginx itself (its workers run as `nobody` when the
 * harness is root: `dir` must be open to them, as the stack's folder is). Ready once it answers
 * `readyPath` through an upstream.
 */
export async function startBalancer(opts: {
  dir: string;
  logDir: string;
  upstreams: string[];
  pages: (Omit<StaticPage, 'file'> & { body: string })[];
  readyPath: string;
  readyTimeoutMs: number;
  log?: (line: string) => void;
}): Promise<StartedBalancer> {
  const nginx = await findNginx(opts.log ?? ((line) => process.stderr.write(`${line}\n`)));
  const home = join(opts.dir, 'nginx');
  mkdirSync(home, { recursive: true });
  const pages = opts.pages.map(({ body, ...page }, i): StaticPage => {
    const file = join(home, `page-${i}.html`);
    writeFileSync(file, body, { mode: 0o644 });
    return { ...page, file };
  });
  const port = await freePort();
  const config = join(home, 'nginx.conf');
  const logFile = join(opts.logDir, 'nginx.log');
  writeFileSync(config, nginxConfig({ dir: home, logFile, listen: addr(port), upstreams: opts.upstreams, pages }));
  const url = `http://${addr(port)}`;
  const proc = new ManagedProcess({
    name: 'nginx',
    command: nginx,
    args: ['-p', home, '-c', config, '-e', logFile, '-g', 'daemon off;'],
    logFile,
    readyTimeoutMs: opts.readyTimeoutMs,
    // QUIT: finish the requests in flight, then exit.
    stopSignal: 'SIGQUIT',
    ready: async () => {
      const res = await fetch(`${url}${opts.readyPath}`);
      if (!res.ok) throw new Error(`${opts.readyPath} answered ${res.status} through nginx`);
    },
  });
  await proc.start();
  return {
    url,
    process: proc,
    node: { name: 'nginx', part: 'balancer', roles: ['load-balancer'], host: loopback, ports: { http: port }, readySeconds: proc.readySeconds },
  };
}
