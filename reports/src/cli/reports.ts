import { resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { serveReports } from '../serveReports.ts';
import { runCli } from './runCli.ts';

const port = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`'${v}' is not a port number (0-65535)`);
  return n;
};

const program = new Command('reports')
  .description('Serve the runs/ folder read-only on 127.0.0.1: an index of every run, each report, and comparisons of two runs.')
  .option('--port <n>', 'port to listen on (0 picks a free one)', port, 8080)
  .option('--runs <dir>', 'the runs folder', 'runs')
  .action(async (opts: { port: number; runs: string }) => {
    const server = await serveReports({ root: resolve(opts.runs), port: opts.port });
    process.stdout.write(`serving ${resolve(opts.runs)} at ${server.url} (Ctrl-C to stop)\n`);
    const stop = () => void server.stop().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

runCli(program);
