import { ensureTools } from '@flux-gate/stack';

/**
 * vitest's global setup: every tool at its pinned version, once, before test files run in parallel
 * (each then only finds them in the cache).
 */
export default async function provisionTools(): Promise<void> {
  await ensureTools({ log: (line) => process.stderr.write(`[setup] ${line}\n`) });
}
