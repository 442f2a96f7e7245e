/** A page the balancer serves itself, without asking an upstream. */
export interface StaticPage {
  /** The exact path it answers, e.g. `/waiting-room` (any query string). */
  path: string;
  /** The file holding it. */
  file: string;
  contentType: string;
  headers: Record<string, string>;
}

export interface BalancerConfig {
  /** Folder of its pid file and temporary files. */
  dir: string;
  logFile: string;
  listen: string;
  upstreams: string[];
  pages: StaticPage[];
}

const quoted = (value: string) => `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;

/**
 * nginx's configuration as the load balancer in front of the API instances:
 * - round robin over every upstream, with keep-alive connections to them (idle ones closed after
 *   30 s, before Fastify's 72 s, so nginx never reuses a connection the API is closing);
 * - a request goes to the next upstream only when the first could not be connected to or did not
 *   answer in time *before it was sent* (`error timeout`, without `non_idempotent`): a POST /order an
 *   API received and then died on is answered 502 and never sent twice, and the buyer retries with
 *   its Idempotency-Key (docs/decisions.md);
 * - an upstream that failed is skipped for 2 s;
 * - the static pages straight from their files.
 */
export function nginxConfig(c: BalancerConfig): string {
  const pages = c.pages.map(
    (page) => `    location = ${page.path} {
      default_type ${quoted(page.contentType)};
      alias ${page.file};
${Object.entries(page.headers)
  .map(([name, value]) => `      add_header ${name} ${quoted(value)} always;`)
  .join('\n')}
    }`,
  );
  // One process, no master: pdeathsig reaches only the process it was set on, so the workers of a
  // master killed with the harness would live on.
  return `master_process off;
worker_processes 1;
pid ${c.dir}/nginx.pid;
error_log ${c.logFile} warn;
events {
  worker_connections 8192;
}
http {
  access_log off;
  client_body_temp_path ${c.dir}/client_body;
  proxy_temp_path ${c.dir}/proxy;
  upstream api {
${c.upstreams.map((u) => `    server ${u} max_fails=1 fail_timeout=2s;`).join('\n')}
    keepalive 256;
    keepalive_timeout 30s;
  }
  server {
    listen ${c.listen} backlog=4096;
    location / {
      proxy_pass http://api;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_next_upstream error timeout;
      proxy_next_upstream_tries 2;
      proxy_connect_timeout 1s;
      proxy_read_timeout 30s;
      proxy_buffering off;
    }
${pages.join('\n')}
  }
}
`;
}
