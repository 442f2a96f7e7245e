import { existsSync } from 'node:fs';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveReports, type StartedReportServer } from '../src/serveReports.ts';
import { evilExperiment, writeSyntheticRun } from './writeSyntheticRun.ts';

let tmp: string;
let server: StartedReportServer;
const evilPath = `${evilExperiment}/2025-01-15T12-00-00-000Z`;

/** A request with the path sent exactly as given (fetch would fold `..` away). */
function get(path: string, method = 'GET'): Promise<{ status: number; body: string }> {
  return new Promise((ok, fail) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => ok({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', fail).end();
  });
}

const url = (path: string) => `/${path.split('/').map(encodeURIComponent).join('/')}`;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'fg-serve-'));
  const runs = join(tmp, 'runs');
  await writeSyntheticRun(join(runs, evilPath), { seed: 1, requests: 5_000 });
  await writeSyntheticRun(join(runs, 'crash-test', '2025-01-16T09-00-00-000Z'), { seed: 2, requests: 5_000, complete: false });
  await symlink('/etc', join(runs, 'escape'));
  server = await serveReports({ root: runs, port: 0 });
});
afterAll(async () => {
  await server?.stop();
  await rm(tmp, { recursive: true, force: true });
});

describe('reports server', () => {
  it('lists every run with its verdict and a link to its report', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const { status, body } = await get('/');
    expect(status).toBe(200);
    expect(body).toContain('crash-test');
    expect(body).toContain('&lt;img src=x onerror=alert(2)&gt;');
    expect(body).not.toContain('<img src=x');
    expect(body).toContain('class="fail">FAIL');
    expect(body).toContain('class="unknown">UNKNOWN');
    expect(body).toContain(`href="${url(evilPath).replace(/&/g, '&amp;').replace(/"/g, '&quot;')}/report.html"`);
  });

  it('renders a missing report.html in memory without writing into the run folder', async () => {
    const { status, body } = await get(`${url(evilPath)}/report.html`);
    expect(status).toBe(200);
    expect(body).toContain('class="verdict fail">FAIL');
    expect(existsSync(join(tmp, 'runs', evilPath, 'report.html'))).toBe(false);
    expect((await get(`${url(evilPath)}/logs/api-1.log`)).body).toContain('listening');
  });

  it('compares two runs on request', async () => {
    const q = new URLSearchParams({ a: 'crash-test/2025-01-16T09-00-00-000Z', b: evilPath });
    const { status, body } = await get(`/compare?${q}`);
    expect(status).toBe(200);
    expect(body).toContain('B compared with baseline A');
    expect(body).toContain('href="/crash-test/2025-01-16T09-00-00-000Z/report.html"');
  });

  it('refuses paths that leave the runs folder', async () => {
    for (const path of ['/../../../../etc/passwd', '/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2f..%2fetc%2fpasswd', '/x/..%5c..%5cetc/passwd', '/escape/passwd']) {
      const { status, body } = await get(path);
      expect(status, path).toBe(403);
      expect(body, path).not.toContain('root:');
    }
    const { status } = await get(`/compare?a=../../etc&b=${encodeURIComponent(evilPath)}`);
    expect([400, 403]).toContain(status);
  });

  it('answers 404 for what is not there and 405 for writes', async () => {
    expect((await get('/nothing/here.json')).status).toBe(404);
    expect((await get('/', 'POST')).status).toBe(405);
  });
});
