import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Writes one JSON file of a run folder (see runFileNames), pretty-printed, replacing what was there. */
export function writeRunFile(dir: string, name: string, value: unknown): void {
  writeFileSync(join(dir, name), `${JSON.stringify(value, null, 2)}\n`);
}
