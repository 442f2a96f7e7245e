import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';

/**
 * Merges growing NDJSON files into one, as they grow: each call to `drain` appends to the target the
 * complete lines each source gained since the last call, source after source, and leaves a line still
 * being written for the next call. Bytes are copied as they are, never parsed. The merged file holds
 * every line once; lines of one source keep their order, lines of different sources interleave by the
 * call in which they were seen.
 */
export class LineMerger {
  readonly #sources: { fd: number; offset: number }[];
  readonly #target: number;

  /** Every source must exist (the writers create them before the merger opens them). */
  constructor(sources: string[], target: string) {
    this.#sources = sources.map((file) => ({ fd: openSync(file, 'a+'), offset: 0 }));
    this.#target = openSync(target, 'a');
  }

  /** Appends what each source gained since the last call; returns the bytes appended. */
  drain(): number {
    let appended = 0;
    for (const s of this.#sources) {
      const size = fstatSync(s.fd).size;
      if (size <= s.offset) continue;
      const buffer = Buffer.allocUnsafe(size - s.offset);
      const read = readSync(s.fd, buffer, 0, buffer.length, s.offset);
      const end = buffer.lastIndexOf(10, read - 1) + 1;
      if (end === 0) continue;
      writeSync(this.#target, buffer, 0, end);
      s.offset += end;
      appended += end;
    }
    return appended;
  }

  /** Drains once more, then closes every file. */
  close(): void {
    this.drain();
    for (const s of this.#sources) closeSync(s.fd);
    closeSync(this.#target);
  }
}
