import { randomBytes } from 'node:crypto';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * A folder to build `target` in, beside it (so a rename is atomic): `<target>.partial-XXXXXX`. Two
 * builders of the same target each get their own.
 */
export function stagingFolderFor(target: string): string {
  return mkdtempSync(join(dirname(target), `${basename(target)}.partial-`));
}

/**
 * Renames a finished staging folder to `target` in one step. When another builder got there first,
 * its folder stays and this one is removed: both were made from the same inputs.
 */
export function publishFolder(staging: string, target: string): void {
  try {
    renameSync(staging, target);
  } catch (err) {
    if (!['ENOTEMPTY', 'EEXIST'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Writes a file through a temporary one and a rename, so a concurrent reader sees the old or the new content, never a part. */
export function writeFileAtomically(file: string, content: string | Buffer): void {
  const temporary = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temporary, content);
  renameSync(temporary, file);
}
