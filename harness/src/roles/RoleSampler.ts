import type { RoleChange } from '@flux-gate/run-format';
import { NdjsonWriter } from '@flux-gate/run-format';
import type { NodeRoles, RoleReader } from '@flux-gate/stack';

const same = (a: NodeRoles | undefined, b: NodeRoles) => a !== undefined && a.down === b.down && a.roles.join() === b.roles.join();

/**
 * Reads every store node's run-time roles every `intervalMs` and appends to roles.ndjson a line
 * per node whose roles changed (every node on the first reading). One reading at a time: a tick
 * due while the last still runs is skipped, and each reading times out within about a second.
 */
export class RoleSampler {
  readonly #writer: NdjsonWriter;
  readonly #last = new Map<string, NodeRoles>();
  #timer: NodeJS.Timeout | undefined;
  #busy: Promise<void> | undefined;
  #closed = false;

  constructor(
    private readonly reader: RoleReader,
    file: string,
    private readonly intervalMs = 500,
  ) {
    this.#writer = new NdjsonWriter(file, 500);
  }

  start(): void {
    this.#timer ??= setInterval(() => void this.tick(), this.intervalMs);
  }

  /** One reading now, unless one is running; resolves when it is written. */
  tick(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#busy ??= this.reader
      .read()
      .then((reading) => {
        if (this.#closed) return;
        for (const [node, now] of Object.entries(reading.nodes)) {
          if (same(this.#last.get(node), now)) continue;
          this.#last.set(node, now);
          const entry: RoleChange = { at: reading.at, node, roles: now.roles, ...(now.down ? { down: true as const } : {}) };
          this.#writer.write(entry);
        }
      })
      .catch(() => {})
      .finally(() => {
        this.#busy = undefined;
      });
    return this.#busy;
  }

  /** Stops the timer, waits for a reading in flight, and closes the file. Safe to call twice. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#busy;
    if (!this.#closed) {
      this.#closed = true;
      this.#writer.close();
    }
  }
}
