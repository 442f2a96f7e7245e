import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { readSweepRow, type SweepRow } from './readSweepRow.ts';
import { renderSweep } from './renderSweep.ts';

/** Writes sweep.html (at `file`) for the run folders of a sweep, read from their stored files alone; returns the rows. */
export async function writeSweep(file: string, title: string, runDirs: string[]): Promise<SweepRow[]> {
  const rows = await Promise.all(runDirs.map((dir) => readSweepRow(dir)));
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, renderSweep(title, rows, dirname(file)));
  return rows;
}
