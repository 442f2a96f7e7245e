import { existsSync, readFileSync } from 'node:fs';
import type { HistoryEntry } from '@flux-gate/reports';

/** The history entries of a run (k6 writes one JSON object per line; other lines are skipped). */
export function readHistory(file: string): HistoryEntry[] {
  if (!existsSync(file)) return [];
  const entries: HistoryEntry[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      entries.push(JSON.parse(line) as HistoryEntry);
    } catch {
      /* a line cut by a crash */
    }
  }
  return entries;
}
