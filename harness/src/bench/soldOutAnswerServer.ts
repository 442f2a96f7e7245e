import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findNginx, freePort, ManagedProcess } from '@flux-gate/stack';

/** The API's sold-out answer, byte for byte. */
const soldOut = '{"error":"sold_out"}';

/**
 * nginx answering every POST /order with the API's sold-out answer (409) from its configuration, one
 * process, keep-alive connections that never run out of requests: a target whose cost per request is
 * far below the engine's, so that what the engine keeps of a rate is the engine's own limit. Its CPU
 * is read with the engine's.
 */
export async function soldOutAnswerServer(dir: string, log: (line: string) => void): Promise<{ url: string; process: ManagedProcess }> {
  const nginx = await findNginx(log);
  const home = join(dir, 'nginx-sold-out');
  mkdirSync(home, { recursive: true });
  const port = await freePort();
  const logFile = join(home, 'nginx.log');
  const config = join(home, 'nginx.conf');
  writeFileSync(
    config,
    `master_process off;
worker_processes 1;
pid ${home}/nginx.pid;
error_log ${logFile} warn;
events {
  worker_connections 8192;
}
http {
  access_log off;
  client_body_temp_path ${home}/client_body;
  keepalive_requests 100000000;
  keepalive_timeout 60s;
  server {
    listen 127.0.0.1:${port} backlog=4096;
    location = /order {
      default_type application/json;
      return 409 '${soldOut}';
    }
  }
}
`,
  );
  const url = `http://127.0.0.1:${port}`;
  const proc = new ManagedProcess({
    name: 'nginx-sold-out',
    command: nginx,
    args: ['-p', home, '-c', config, '-e', logFile, '-g', 'daemon off;'],
    logFile,
    readyTimeoutMs: 10_000,
    stopSignal: 'SIGQUIT',
    ready: async () => {
      const res = await fetch(`${url}/order`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      if (res.status !== 409) throw new Error(`nginx answered ${res.status}`);
    },
  });
  await proc.start();
  return { url, process: proc };
}
