import { createWriteStream } from 'node:fs';
import { PassThrough, type Readable } from 'node:stream';
import type { ContainerRuntimeClient } from 'testcontainers';
import { logTail } from '../logTail.ts';
import type { ProcessHandle } from '../ProcessHandle.ts';
import { StackPartError } from '../StackPartError.ts';
import { waitFor } from '../waitFor.ts';

type Docker = ContainerRuntimeClient['container']['dockerode'];

/** Appends a container's output to its log file. */
export function appendLog(stream: Readable | NodeJS.ReadableStream, file: string): void {
  stream.pipe(createWriteStream(file, { flags: 'a' }));
}

/**
 * A store's container with the verbs process faults use, each mapped to the engine: kill is
 * `docker kill`, pause and resume `docker pause` and `unpause`, restart starts the same container
 * again (its file system, and so PostgreSQL's and Kafka's data, intact; Redis keeps nothing, so it
 * comes back empty) and waits until it answers.
 */
export class ContainerProcess implements ProcessHandle {
  #running = true;
  #paused = false;
  #pid: number | undefined;

  constructor(
    readonly name: string,
    readonly id: string,
    readonly logFile: string,
    private readonly docker: Docker,
    private readonly ready: () => Promise<unknown>,
    private readonly readyTimeoutMs: number,
    /** Seconds the first start took to answer. */
    public readySeconds: number,
  ) {}

  get pid(): number | undefined {
    return this.#running ? this.#pid : undefined;
  }
  get running(): boolean {
    return this.#running;
  }

  /** Reads the host pid of the container's first process (for the bench's CPU figures). */
  async refresh(): Promise<this> {
    const info = await this.docker.getContainer(this.id).inspect();
    this.#running = info.State.Running;
    this.#paused = info.State.Paused;
    this.#pid = info.State.Pid || undefined;
    return this;
  }

  async kill(): Promise<void> {
    if (!this.#running) return;
    const container = this.docker.getContainer(this.id);
    await container.kill().catch((err: Error) => {
      if (!/is not running/.test(err.message)) throw err;
    });
    await container.wait({ condition: 'not-running' });
    this.#running = false;
    this.#paused = false;
  }

  async pause(): Promise<void> {
    if (!this.#running || this.#paused) return;
    await this.docker.getContainer(this.id).pause();
    this.#paused = true;
  }

  async resume(): Promise<void> {
    if (!this.#running || !this.#paused) return;
    // A kill of the paused container, still under way, thaws it first (the engine does for SIGKILL).
    await this.docker.getContainer(this.id).unpause().catch((err: Error) => {
      if (!/is not paused|is not running/.test(err.message)) throw err;
    });
    this.#paused = false;
  }

  async restart(): Promise<void> {
    if (this.#running) await this.kill();
    const container = this.docker.getContainer(this.id);
    const since = Math.floor(Date.now() / 1000);
    const started = performance.now();
    await container.start();
    this.#running = true;
    const raw = await container.logs({ follow: true, stdout: true, stderr: true, since });
    const out = new PassThrough();
    this.docker.modem.demuxStream(raw, out, out);
    raw.on('end', () => out.end());
    appendLog(out, this.logFile);
    await this.refresh();
    try {
      await waitFor(this.ready, { timeoutMs: this.readyTimeoutMs, abort: () => (this.#running ? undefined : 'was stopped') });
    } catch (err) {
      throw new StackPartError(this.name, `did not answer after a restart: ${(err as Error).message}`, logTail(this.logFile), this.logFile);
    }
    this.readySeconds = (performance.now() - started) / 1000;
  }

  /** Graceful: the image's stop signal, then SIGKILL after 5 s. The container stays until the stack removes it. */
  async stop(): Promise<void> {
    if (!this.#running) return;
    await this.resume();
    await this.docker.getContainer(this.id).stop({ t: 5 }).catch((err: Error) => {
      if (!/not running|already stopped|304/.test(err.message)) throw err;
    });
    this.#running = false;
  }
}
