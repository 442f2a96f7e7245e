import { Command } from 'commander';
import { composeTool, ensureBenchTools, ensureDockerEngine, ensureInfraImages, ensureSchemathesis, ensureTools, runOrThrow, ToolError } from '@flux-gate/stack';
import { composeImageEnv } from '../services/composeImageEnv.ts';
import { buildSystemImages } from '../services/systemImages.ts';

const program = new Command('setup')
  .description(
    'Find, fetch or build every external tool at its pinned version (Redis, PostgreSQL, Java, Kafka, Toxiproxy, Chromium, wrk),\n' +
      'and Schemathesis, the API fuzzer `npm test` runs (from PyPI into a Python venv under the cache; experiments never install it).\n' +
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
  .option(
    '--compose-env',
    'with --containers: also build the images of the ingestion API and the inventory worker (tagged :local too), find or install a Compose tool,\n' +
      'and print the `export FLUXGATE_*_IMAGE=…` lines that make docker-compose.yml use every image built here: eval "$(npm run -s setup -- --containers --compose-env)"',
  )
  .option('--keep-engine', 'with --containers: leave a dockerd started here running after setup (stop it with: kill $(cat <cache>/dockerd/dockerd.pid))')
  .action(async (opts: { json?: boolean; bench?: boolean; containers?: boolean; composeEnv?: boolean; keepEngine?: boolean }) => {
    const started = performance.now();
    const schemathesis = async () => {
      const { command, prefix } = await ensureSchemathesis();
      return { schemathesis: [command, ...prefix].join(' ') };
    };
    const tools = { ...(await ensureTools()), ...(await schemathesis()), ...(opts.bench ? await ensureBenchTools() : {}) };
    const images = opts.containers ? await ensureDockerEngine({ keep: opts.keepEngine }).then(() => ensureInfraImages()) : undefined;
    if (images && opts.composeEnv) await printComposeEnv(images.images);
    if (opts.json) process.stdout.write(`${JSON.stringify({ ...tools, ...(images ? { images: images.images } : {}) }, null, 2)}\n`);
    process.stderr.write(`setup done in ${((performance.now() - started) / 1000).toFixed(1)}s\n`);
  });

/** Builds the system's images, tags them :local (docker-compose.yml's defaults), and prints the variables naming every image. */
async function printComposeEnv(infra: Parameters<typeof composeImageEnv>[0]): Promise<void> {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const started = performance.now();
  const system = await buildSystemImages((line) => log(`    … ${line}`));
  for (const image of [system.built.runtime, ...system.built.services]) {
    log(`  ✓ ${`image ${image.name}`.padEnd(28)} ${image.built ? 'built' : 'ready'} in ${image.seconds.toFixed(1)}s  ${image.tag} (${(image.bytes / 1e6).toFixed(0)} MB)`);
  }
  for (const tag of [system.api, system.worker]) await runOrThrow('docker', ['tag', tag, tag.replace(/:[^:]+$/, ':local')]);
  const compose = await composeTool(log);
  log(`  ✓ ${'compose'.padEnd(28)} ${[compose.command, ...compose.prefix].join(' ')} ${compose.version} (system images and compose in ${((performance.now() - started) / 1000).toFixed(1)}s)`);
  for (const [name, value] of Object.entries(composeImageEnv(infra, system))) process.stdout.write(`export ${name}=${value}\n`);
}

program.parseAsync().catch((err: unknown) => {
  process.stderr.write(`setup failed: ${err instanceof ToolError ? err.message : String(err)}\n`);
  process.exit(3);
});
