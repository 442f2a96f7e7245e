import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { processStat } from './childProcesses.ts';
import { diesWithParent } from './diesWithParent.ts';
import { recordOwned } from './leftovers.ts';
import { logTail } from './logTail.ts';
import { inNamespace } from './netns/inNamespace.ts';
import type { ProcessHandle } from './ProcessHandle.ts';
import { StackPartError } from './StackPartError.ts';
import { waitFor } from './waitFor.ts';

export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Run as this user (when the harness is root, e.g. for PostgreSQL). */
  uid?: number;
  gid?: number;
  /** Run inside this network namespace (`/run/netns/<name>`), entered with nsenter (needs root). */
  netnsPath?: string;
  /** stdout and stderr are appended here. */
  logFile: string;
  /** Resolves once the process answers; polled until readyTimeoutMs. */
  ready: () => Promise<unknown>;
  readyTimeoutMs: number;
  /** Called right before each spawn (first start and restarts), e.g. to note where the log ends. */
  beforeSpawn?: () => void;
  /** Signal for a graceful stop. Default SIGTERM. */
  stopSignal?: NodeJS.Signals;
  /** How long a graceful stop may take before SIGKILL. Default 5 s. */
  stopGraceMs?: number;
}

/**
 * A child process with start, readiness, kill, pause and restart. Each runs in its own process
 * group, is killed by the kernel when the harness dies, and is recorded (recordOwned) while it runs.
 */
export class ManagedProcess implements ProcessHandle {
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #paused = false;

  constructor(readonly spec: ProcessSpec) {}

  get name(): string {
    return this.spec.name;
  }
  get logFile(): string {
    return this.spec.logFile;
  }
  get pid(): number | undefined {
    return this.running ? this.#child?.pid : undefined;
  }
  get running(): boolean {
    return !!this.#child && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** Spawns the process and waits until it answers; on failure kills it and throws a StackPartError. */
  async start(): Promise<this> {
    this.spec.beforeSpawn?.();
    const fd = openSync(this.spec.logFile, 'a');
    let child: ChildProcess;
    // nsenter enters the namespace as root and execs the command (as the spec's user via setpriv): same pid.
    const { netnsPath, ...plain } = this.spec;
    const spec = netnsPath ? inNamespace(plain, netnsPath) : plain;
    // Killed with the harness however it dies; recorded, so the next start stops it should that fail.
    const line = diesWithParent(spec.command, spec.args);
    try {
      child = spawn(line.command, line.args, {
        cwd: spec.cwd,
        env: spec.env ?? process.env,
        stdio: ['ignore', fd, fd],
        detached: true,
        ...(spec.uid !== undefined ? { uid: spec.uid, gid: spec.gid } : {}),
      });
    } finally {
      closeSync(fd);
    }
    this.#child = child;
    this.#paused = false;
    let spawnError: Error | undefined;
    child.on('error', (err) => (spawnError = err));
    const start = child.pid ? processStat(child.pid)?.start : undefined;
    const forget = child.pid && start !== undefined ? recordOwned({ kind: 'process', name: this.name, pid: child.pid, start }) : () => {};
    this.#exited = once(child, 'exit').then(forget, forget);
    const started = performance.now();
    try {
      await waitFor(this.spec.ready, {
        timeoutMs: this.spec.readyTimeoutMs,
        abort: () =>
          spawnError
            ? `could not be started: ${spawnError.message}`
            : child.exitCode !== null || child.signalCode !== null
              ? `exited during start (${child.exitCode ?? child.signalCode})`
              : undefined,
      });
    } catch (err) {
      await this.kill();
      throw new StackPartError(this.name, (err as Error).message, logTail(this.logFile), this.logFile);
    }
    this.readySeconds = (performance.now() - started) / 1000;
    return this;
  }

  /** Seconds the last start took to answer. */
  readySeconds = 0;

  async kill(): Promise<void> {
    if (!this.running) return;
    this.#signal('SIGKILL');
    await this.#exited;
  }

  pause(): void {
    if (this.running && !this.#paused) {
      this.#signal('SIGSTOP');
      this.#paused = true;
    }
  }

  resume(): void {
    if (this.running && this.#paused) {
      this.#signal('SIGCONT');
      this.#paused = false;
    }
  }

  async restart(): Promise<void> {
    await this.kill();
    await this.start();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.resume();
    this.#signal(this.spec.stopSignal ?? 'SIGTERM');
    const graceful = await Promise.race([this.#exited.then(() => true), sleep(this.spec.stopGraceMs ?? 5000).then(() => false)]);
    if (!graceful) await this.kill();
  }

  #signal(signal: NodeJS.Signals): void {
    const pid = this.#child?.pid;
    if (!pid) return;
    try {
      // The child leads its own process group; signal the group so helpers it forked go too.
      process.kill(-pid, signal);
    } catch {
      try {
        process.kill(pid, signal);
      } catch {
        /* already gone */
      }
    }
  }
}
