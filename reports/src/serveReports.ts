import { createReadStream, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, dirname, extname, resolve } from 'node:path';
import { compareRuns } from './compareRuns.ts';
import { listRuns } from './listRuns.ts';
import { renderComparison } from './renderComparison.ts';
import { renderIndex, runUrl } from './renderIndex.ts';
import { renderReport } from './renderReport.ts';
import { resolveInside } from './resolveInside.ts';
import { runFileNames, RunFolderError } from '@flux-gate/run-format';
import { summarizeRun, type RunSummary } from './summarizeRun.ts';

export interface StartedReportServer {
  url: string;
  port: number;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
};

/**
 * Serves a runs/ folder on 127.0.0.1, read-only: the index of runs, each run's files (report.html is
 * rendered in memory when the run has none), and GET /compare?a=<run>&b=<run>. Paths that would
 * leave the folder are refused with 403.
 */
export async function serveReports(options: { root: string; port?: number }): Promise<StartedReportServer> {
  const root = resolve(options.root);
  if (!existsSync(root)) throw new RunFolderError(root, 'no runs folder here');
  const summaries = new Map<string, { mtimeMs: number; summary: Promise<RunSummary> }>();

  /** One summary per run folder, reread when its history changes. */
  async function summary(dir: string): Promise<RunSummary> {
    const mtimeMs = (await stat(resolve(dir, runFileNames.history)).catch(() => null))?.mtimeMs ?? 0;
    const cached = summaries.get(dir);
    if (cached?.mtimeMs === mtimeMs) return cached.summary;
    const fresh = summarizeRun(dir);
    summaries.set(dir, { mtimeMs, summary: fresh });
    fresh.catch(() => summaries.delete(dir));
    return fresh;
  }

  const send = (res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8') => {
    res.writeHead(status, { 'content-type': type, 'x-content-type-options': 'nosniff' });
    res.end(body);
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'read-only: GET only\n');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      return send(res, 400, 'bad path encoding\n');
    }
    // The raw URL too: a client may send `..` that URL parsing would fold away.
    if (/(^|[/\\]|%2f|%5c)(\.|%2e){2}([/\\?]|%2f|%5c|$)/i.test(req.url ?? '')) return send(res, 403, 'forbidden\n');

    if (path === '/') {
      const runs = await listRuns(root);
      const rows = await Promise.all(
        runs.map(async (listing) => ({
          listing,
          figures: listing.results?.figures ?? (await summary(listing.dir).then((s) => s.figures, () => null)),
        })),
      );
      return send(res, 200, renderIndex(root, rows), types['.html']);
    }
    if (path === '/compare') {
      const [a, b] = ['a', 'b'].map((k) => resolveInside(root, url.searchParams.get(k) ?? ''));
      if (!a || !b || a === root || b === root) return send(res, 400, 'compare needs ?a=<experiment>/<timestamp>&b=<experiment>/<timestamp> inside the runs folder\n');
      const [sa, sb] = await Promise.all([summary(a), summary(b)]);
      const rel = (s: RunSummary) => `${runUrl(s.run.dir.slice(root.length + 1).split('\\').join('/'))}/report.html`;
      return send(res, 200, renderComparison(compareRuns(sa, sb), rel), types['.html']);
    }

    const file = resolveInside(root, path);
    if (!file) return send(res, 403, 'forbidden\n');
    const info = await stat(file).catch(() => null);
    if (!info && basename(file) === runFileNames.report) {
      return send(res, 200, renderReport(await summary(dirname(file))), types['.html']);
    }
    if (!info?.isFile()) return send(res, 404, `not found: ${path}\n`);
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'text/plain; charset=utf-8', 'content-length': info.size, 'x-content-type-options': 'nosniff' });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file).pipe(res);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const status = err instanceof RunFolderError ? 404 : 500;
      if (!res.headersSent) send(res, status, `${err instanceof Error ? err.message : String(err)}\n`);
      else res.destroy();
    });
  });
  await new Promise<void>((ok, fail) => server.once('error', fail).listen(options.port ?? 0, '127.0.0.1', ok));
  const port = (server.address() as AddressInfo).port;
  const stop = () =>
    new Promise<void>((ok) => {
      server.close(() => ok());
      server.closeAllConnections();
    });
  return { url: `http://127.0.0.1:${port}/`, port, stop, [Symbol.asyncDispose]: stop };
}
