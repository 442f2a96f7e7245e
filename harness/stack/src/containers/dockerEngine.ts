import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { childPids, processStat, running } from '../childProcesses.ts';
import { diesWithParent } from '../diesWithParent.ts';
import { logTail } from '../logTail.ts';
import { waitFor } from '../waitFor.ts';
import { aptInstall } from '../tools/aptInstall.ts';
import { cacheDir } from '../tools/cacheDir.ts';
import { runCommand, which } from '../tools/runCommand.ts';
import { ToolError } from '../tools/ToolError.ts';

/** The flags a Docker engine started here gets: every published port on loopback, no NAT, no forwarding. */
export const dockerdFlags = ['--storage-driver=overlay2', '--ip=127.0.0.1', '--ip-masq=false', '--ip-forward=false'];

export interface DockerEngine {
  /** The engine's version, as `docker version` reports it. */
  version: string;
  /** True when this process started dockerd; it stops it (by its pid) when it exits. */
  startedHere: boolean;
  /** Where the engine started here logs. */
  logFile?: string;
  /** Stops dockerd if this process started it, and what it started (containerd); otherwise nothing. */
  stop(): Promise<void>;
}

const manual = `apt-get install -y docker.io && dockerd ${dockerdFlags.join(' ')} --pidfile=/var/run/docker.pid >/var/log/dockerd.log 2>&1 &   (as root; or set DOCKER_HOST to an engine that answers)`;

/** The engine's server version, or undefined when none answers (DOCKER_HOST, else /var/run/docker.sock). */
async function answers(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const r = await runCommand('docker', ['version', '--format', '{{.Server.Version}}'], { env, timeoutMs: 10_000 }).catch(() => undefined);
  return r?.code === 0 && r.stdout.trim() ? r.stdout.trim() : undefined;
}

export interface EngineOptions {
  log?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
  /** Leave a dockerd started here running after this process (CI stops it by <cache>/dockerd/dockerd.pid). */
  keep?: boolean;
}

let memo: Promise<DockerEngine> | undefined;

/**
 * A Docker engine that answers. The one at DOCKER_HOST or /var/run/docker.sock if it answers;
 * otherwise, as root, Debian's docker.io (installed with apt when missing), started in the
 * background with its own log and stopped by its pid when this process ends; otherwise a
 * ToolError with the commands to run. Memoized per process.
 */
export function ensureDockerEngine(options: EngineOptions = {}): Promise<DockerEngine> {
  memo ??= findOrStart(options).catch((err: unknown) => {
    memo = undefined;
    throw err;
  });
  return memo;
}

async function findOrStart(options: EngineOptions): Promise<DockerEngine> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const answering = (await which('docker')) ? await answers(env) : undefined;
  if (answering) return { version: answering, startedHere: false, stop: async () => {} };
  if (env.DOCKER_HOST) throw new ToolError('docker', `no engine answers at DOCKER_HOST=${env.DOCKER_HOST}`, `docker -H ${env.DOCKER_HOST} info   (or unset DOCKER_HOST to use /var/run/docker.sock)`);
  if (process.getuid?.() !== 0) throw new ToolError('docker', 'no Docker engine answers at /var/run/docker.sock, and starting one needs root', `sudo sh -c '${manual}'`);
  if (!(await which('dockerd')) || !(await which('docker'))) await aptInstall('docker', ['docker.io'], log);
  const again = await answers(env); // the package's own start may have worked
  if (again) return { version: again, startedHere: false, stop: async () => {} };

  const dir = join(cacheDir(env), 'dockerd');
  mkdirSync(dir, { recursive: true });
  const logFile = join(dir, 'dockerd.log');
  const pidFile = join(dir, 'dockerd.pid');
  log(`starting dockerd ${dockerdFlags.join(' ')} (log: ${logFile})`);
  const fd = openSync(logFile, 'a');
  // Unless kept, it gets SIGTERM from the kernel when this process dies, however it dies, and then
  // stops the containerd it started.
  const args = [...dockerdFlags, `--pidfile=${pidFile}`];
  const line = options.keep ? { command: 'dockerd', args } : diesWithParent('dockerd', args, 'TERM');
  const child = spawn(line.command, line.args, { stdio: ['ignore', fd, fd], detached: true, env });
  closeSync(fd);
  child.unref();
  const pid = child.pid!;
  let exited = false;
  child.on('exit', () => (exited = true));
  const stopNow = () => {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  };
  if (!options.keep) process.once('exit', stopNow);
  const started = performance.now();
  try {
    await waitFor(async () => {
      if (!(await answers(env))) throw new Error('not answering yet');
    }, { timeoutMs: 30_000, abort: () => (exited ? 'dockerd exited during start' : undefined) });
  } catch (err) {
    stopNow();
    throw new ToolError('docker', `dockerd did not start: ${(err as Error).message}\n${logTail(logFile)}`, manual);
  }
  const version = (await answers(env))!;
  log(`  ✓ dockerd ${version} answering in ${((performance.now() - started) / 1000).toFixed(1)}s (pid ${readFileSync(pidFile, 'utf8').trim()}${options.keep ? `, left running: kill $(cat ${pidFile})` : ', stopped when this command ends'})`);
  return {
    version,
    startedHere: true,
    logFile,
    stop: async () => {
      process.removeListener('exit', stopNow);
      // What dockerd started (its containerd), with start times, to end any that outlive it.
      const helpers = (await childPids(pid)).map((p) => ({ pid: p, start: processStat(p)?.start }));
      stopNow();
      await waitFor(async () => {
        if (!exited) throw new Error('dockerd still stopping');
      }, { timeoutMs: 30_000 }).catch(() => {});
      for (const helper of helpers.filter((h) => running(h.pid, h.start))) {
        process.kill(helper.pid, 'SIGTERM');
        await waitFor(async () => {
          if (running(helper.pid, helper.start)) throw new Error('still stopping');
        }, { timeoutMs: 10_000 }).catch(() => running(helper.pid, helper.start) && process.kill(helper.pid, 'SIGKILL'));
      }
    },
  };
}
