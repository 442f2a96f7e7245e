// Runs a command under the Node.js version pinned in harness/stack/src/tools/versions.ts.
//
//   node harness/bin/withPinnedNode.mjs [node flags…] <file.ts | command> [args…]
//
// This file is plain JavaScript so that it runs on whatever Node the machine has (Debian's may be past
// its end of life). When that Node is older than the pin, the pinned one is fetched once from the npm
// registry's `node-linux-<arch>` package (the official binary inside the package, no install script)
// into <cache>/node-<version>, and the command runs under it with its bin folder first on PATH, so every
// `node` the command starts (tsx, vitest's workers, the services) is the pinned one too.
// A `.ts` file runs as `node [flags] --import tsx <file>`; anything else is a command found on PATH
// (the project's node_modules/.bin first).
// FLUXGATE_NODE=<version> runs under that version instead (CI's run on the next LTS line);
// FLUXGATE_NODE=system runs under the machine's Node whatever its version.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { constants, homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function fail(message) {
  process.stderr.write(`withPinnedNode: ${message}\n`);
  process.exit(3);
}

/** The pin, read from versions.ts (the one place versions live), which this file cannot import before tsx runs. */
function pinnedVersion() {
  const file = join(repo, 'harness/stack/src/tools/versions.ts');
  const match = /^\s*node:\s*'(\d+\.\d+\.\d+)'/m.exec(readFileSync(file, 'utf8'));
  if (!match) fail(`no \`node: '<x.y.z>'\` line in ${file}`);
  return match[1];
}

function newerOrSame(version, than) {
  const a = version.split('.').map(Number);
  const b = than.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return true;
}

function cacheDir() {
  if (process.env.FLUXGATE_CACHE) return process.env.FLUXGATE_CACHE;
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'flux-gate');
}

/** Fetches node-linux-<arch>@<version> into <cache>/node-<version> unless it is there; returns its `node`. */
function provision(version) {
  const dir = join(cacheDir(), `node-${version}`);
  const node = join(dir, 'bin', 'node');
  if (existsSync(node)) return node;
  const pkg = `node-${process.platform}-${process.arch}@${version}`;
  const started = performance.now();
  process.stderr.write(`    … npm pack ${pkg} (Node ${version}, pinned; this machine has ${process.version}), about 30 MB once\n`);
  mkdirSync(cacheDir(), { recursive: true });
  const staging = mkdtempSync(join(cacheDir(), `node-${version}.partial-`));
  try {
    const tarball = execFileSync('npm', ['pack', pkg, '--pack-destination', staging, '--silent'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
      .trim()
      .split('\n')
      .pop();
    execFileSync('tar', ['-xzf', join(staging, tarball), '-C', staging], { stdio: 'inherit' });
    const printed = execFileSync(join(staging, 'package', 'bin', 'node'), ['--version'], { encoding: 'utf8' }).trim();
    if (printed !== `v${version}`) fail(`${pkg} holds a node that prints ${printed}`);
    // A rename is atomic: two commands provisioning at once both end with one complete folder.
    try {
      renameSync(join(staging, 'package'), dir);
    } catch (err) {
      if (!existsSync(node)) throw err;
    }
  } catch (err) {
    fail(`could not fetch ${pkg} from the npm registry: ${err.message}\n  try: npm pack ${pkg}   (or set FLUXGATE_NODE=system to run on ${process.version})`);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  process.stderr.write(`  ✓ ${`node ${version}`.padEnd(28)} installed in ${((performance.now() - started) / 1000).toFixed(1)}s\n`);
  return node;
}

function chooseNode() {
  const wanted = process.env.FLUXGATE_NODE;
  const current = process.versions.node;
  if (wanted === 'system') return process.execPath;
  if (wanted) return wanted === current ? process.execPath : provision(wanted);
  const pinned = pinnedVersion();
  return newerOrSame(current, pinned) ? process.execPath : provision(pinned);
}

const args = process.argv.slice(2);
const targetAt = args.findIndex((a) => !a.startsWith('-'));
if (targetAt < 0) fail('usage: node harness/bin/withPinnedNode.mjs [node flags…] <file.ts | command> [args…]');
const [nodeFlags, target, rest] = [args.slice(0, targetAt), args[targetAt], args.slice(targetAt + 1)];

const node = chooseNode();
// The project's own bins too, so the launcher works outside `npm run` as well.
const env = { ...process.env, PATH: `${dirname(node)}:${join(repo, 'node_modules', '.bin')}:${process.env.PATH ?? ''}` };
const child = target.endsWith('.ts')
  ? spawn(node, [...nodeFlags, '--import', 'tsx', target, ...rest], { stdio: 'inherit', env })
  : spawn(target, rest, { stdio: 'inherit', env });
child.on('error', (err) => fail(`could not start ${target}: ${err.message}`));
// Ctrl-C reaches the child from the terminal already (same process group); other signals are passed on.
process.on('SIGINT', () => {});
for (const signal of ['SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 15)));
