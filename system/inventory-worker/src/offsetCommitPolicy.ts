/** How long the broken mode lets resolved offsets sit uncommitted, so a restart redelivers them. */
const brokenCommitIntervalMs = 10_000;

/**
 * Decides when a partition's offsets are committed after its DB commit. The correct worker commits
 * after every batch; the broken one commits lazily and never on stop.
 */
export function offsetCommitPolicy(options: { lazy: boolean }): { due(partition: number): boolean } {
  const last = new Map<number, number>();
  return {
    due(partition) {
      if (!options.lazy) return true;
      const now = Date.now();
      if (!last.has(partition)) last.set(partition, now);
      if (now - last.get(partition)! < brokenCommitIntervalMs) return false;
      last.set(partition, now);
      return true;
    },
  };
}
