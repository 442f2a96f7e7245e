import { Command } from 'commander';
import { ensureBenchTools, ensureDockerEngine, ensureInfraImages, ensureTools, ToolError } from '@flux-gate/stack';

const program = new Command('setup')
  .description(
    'Find, fetch or build every external tool at its pinned version (Redis, PostgreSQL, Java, Kafka, Toxiproxy, Chromium, wrk).\n' +
      'It never fetches k6: the k6 engine runs only on a k6 you installed ($K6_BIN or k6 on PATH).\n' +
      'Downloads and builds go to $FLUXGATE_CACHE (default: $XDG_CACHE_HOME/flux-gate or ~/.cache/flux-gate).',
  )
  .option('--json', 'print the resolved tool paths as one JSON object')
  .option('--bench', "also build what only `npm run bench` needs: oha, with cargo (a few minutes, once)")
  .option(
    '--containers',
    'also find a Docker engine (or, as root, install docker.io and start dockerd for this command) and build the images of `--stack containers`:\n' +
      'flux-gate/{redis,postgres,kafka,toxiproxy}:<version>-<content hash>, from the tools above (about a minute once, seconds after); FLUXGATE_IMAGES=official skips the builds',
  )
  .option('--keep-engine', 'with --containers: leave a dockerd started here running after setup (stop it with: kill $(cat <cache>/dockerd/dockerd.pid))')
  .action(async (opts: { json?: boolean; bench?: boolean; containers?: boolean; keepEngine?: boolean }) => {
    const started = performance.now();
    const tools = { ...(await ensureTools()), ...(opts.bench ? await ensureBenchTools() : {}) };
    const images = opts.containers ? await ensureDockerEngine({ keep: opts.keepEngine }).then(() => ensureInfraImages()) : undefined;
    if (opts.json) process.stdout.write(`${JSON.stringify({ ...tools, ...(images ? { images: images.images } : {}) }, null, 2)}\n`);
    process.stderr.write(`setup done in ${((performance.now() - started) / 1000).toFixed(1)}s\n`);
  });

program.parseAsync().catch((err: unknown) => {
  process.stderr.write(`setup failed: ${err instanceof ToolError ? err.message : String(err)}\n`);
  process.exit(3);
});
