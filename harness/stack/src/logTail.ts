import { existsSync, readFileSync } from 'node:fs';

/** The last lines of a log file, or '' when there is none. */
export function logTail(file: string, lines = 20): string {
  if (!existsSync(file)) return '';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}
