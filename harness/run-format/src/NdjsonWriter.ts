import { closeSync, openSync, writeSync } from 'node:fs';

/** Appends JSON lines to a file in chunks, so that a busy load loop pays one write per chunk, not per line. */
export class NdjsonWriter {
  readonly #fd: number;
  #pending: string[] = [];
  #bytes = 0;
  readonly #timer: NodeJS.Timeout;

  constructor(file: string, flushEveryMs = 100) {
    this.#fd = openSync(file, 'a');
    this.#timer = setInterval(() => this.flush(), flushEveryMs);
    this.#timer.unref();
  }

  write(value: unknown): void {
    const line = `${JSON.stringify(value)}\n`;
    this.#pending.push(line);
    this.#bytes += line.length;
    if (this.#bytes >= 256 * 1024) this.flush();
  }

  flush(): void {
    if (this.#pending.length === 0) return;
    writeSync(this.#fd, this.#pending.join(''));
    this.#pending = [];
    this.#bytes = 0;
  }

  close(): void {
    clearInterval(this.#timer);
    this.flush();
    closeSync(this.#fd);
  }
}
