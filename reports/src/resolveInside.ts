import { realpathSync } from 'node:fs';
import { resolve, sep } from 'node:path';

/**
 * The absolute path of `relPath` (a URL path, already decoded) inside `root`, or null when it would
 * leave root: `..` segments, NUL bytes, or a symlink pointing out. A missing path is checked as written.
 */
export function resolveInside(root: string, relPath: string): string | null {
  if (relPath.includes('\0')) return null;
  const segments = relPath.split(/[/\\]+/).filter((s) => s !== '' && s !== '.');
  if (segments.some((s) => s === '..')) return null;
  const base = realpathSync(root);
  const target = resolve(base, ...segments);
  let real = target;
  try {
    real = realpathSync(target);
  } catch {
    // Missing: the caller answers 404.
  }
  return real === base || real.startsWith(base + sep) ? target : null;
}
