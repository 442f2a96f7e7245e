import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where downloaded and built tools live: $FLUXGATE_CACHE, else $XDG_CACHE_HOME/flux-gate,
 * else ~/.cache/flux-gate. Never inside the repository.
 */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FLUXGATE_CACHE) return env.FLUXGATE_CACHE;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'flux-gate');
}
