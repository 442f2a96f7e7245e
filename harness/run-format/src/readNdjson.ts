import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/**
 * Streams one parsed value per line of an NDJSON file, so a file of a million lines never sits in
 * memory. Blank lines are ignored; a line that is not JSON (a crashed writer's torn last line) is
 * reported to `onBadLine` with its 1-based number and skipped.
 */
export async function* readNdjson<T>(file: string, onBadLine: (line: number) => void = () => {}): AsyncGenerator<T> {
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.trim() === '') continue;
    let value: T;
    try {
      value = JSON.parse(line) as T;
    } catch {
      onBadLine(n);
      continue;
    }
    yield value;
  }
}
