import { closeSync, openSync, readSync, statSync } from 'node:fs';

/** Reads the complete lines added to a growing file since the last call; a line still being written waits for its newline. */
export class FileTail {
  #offset = 0;
  #partial = '';

  constructor(readonly file: string) {}

  lines(): string[] {
    let size = 0;
    try {
      size = statSync(this.file).size;
    } catch {
      return [];
    }
    if (size <= this.#offset) return [];
    const buffer = Buffer.alloc(size - this.#offset);
    const fd = openSync(this.file, 'r');
    try {
      readSync(fd, buffer, 0, buffer.length, this.#offset);
    } finally {
      closeSync(fd);
    }
    this.#offset = size;
    const lines = (this.#partial + buffer.toString()).split('\n');
    this.#partial = lines.pop() ?? '';
    return lines;
  }
}
