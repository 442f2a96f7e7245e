import type { Sample } from '@flux-gate/run-format';
import { FileTail } from './FileTail.ts';

/** Counts requests in the growing history file, reading only the bytes added since the last call. */
export class HistoryTail {
  requests = 0;
  accepted = 0;
  #tail: FileTail;

  constructor(file: string) {
    this.#tail = new FileTail(file);
  }

  /** Follows another file from its start (the next round's history), keeping the counts. */
  follow(file: string): void {
    this.read();
    this.#tail = new FileTail(file);
  }

  /** Reads new lines; returns how many requests arrived since the last read. */
  read(): number {
    let added = 0;
    for (const line of this.#tail.lines()) {
      // Dropped arrivals were never sent: they are not requests.
      if (!line.startsWith('{') || line.includes('"outcome":"dropped"')) continue;
      added++;
      if (line.includes('"status":200')) this.accepted++;
    }
    this.requests += added;
    return added;
  }
}

export interface ProgressState {
  phase: string;
  startedAt: number;
  /** What is being done before the load starts (setup, stack start, arming), shown instead of the load's figures. */
  activity?: string;
  /** True from the first load on: the line then shows requests/s, accepted, stock, confirmed, lag and faults. */
  loadStarted?: boolean;
  tail?: HistoryTail;
  sample?: () => Sample | undefined;
  activeFaults?: () => string[];
}

/**
 * Prints the phase and elapsed time once a second, with what is being done until the load starts
 * (finding tools, which parts of the stack are still starting, arming the sale), then requests/s,
 * accepted, stock left, confirmed, lag and active faults: one overwritten line on a terminal, a
 * plain line every few seconds with --ci.
 */
export class Progress {
  #timer: NodeJS.Timeout | undefined;
  #lastTick = Date.now();
  #ticks = 0;

  constructor(
    readonly state: ProgressState,
    private readonly plain: boolean,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {}

  start(): this {
    this.#timer = setInterval(() => this.tick(), 1000);
    return this;
  }

  phase(name: string): void {
    this.clear();
    this.state.phase = name;
    this.state.activity = undefined;
    this.out.write(`▸ ${name} (${this.elapsed()})\n`);
  }

  /** Says what is being done now, until the load starts. */
  doing(activity: string): void {
    this.state.activity = activity;
  }

  /** From now on the line shows the load's figures. */
  loadStarted(): void {
    this.state.loadStarted = true;
    this.state.tail?.read(); // what came before (nothing, normally) is not this second's rate
    this.#lastTick = Date.now();
  }

  /** Prints a line above the status line. */
  note(line: string): void {
    this.clear();
    this.out.write(`  ${line}\n`);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.clear();
  }

  private elapsed(): string {
    return `${((Date.now() - this.state.startedAt) / 1000).toFixed(1)}s`;
  }

  private clear(): void {
    if (!this.plain) this.out.write('\r\x1b[K');
  }

  private tick(): void {
    this.#ticks++;
    const line = this.state.loadStarted ? this.loadLine() : `[${this.state.phase} ${this.elapsed()}] ${this.state.activity ?? this.state.phase}…`;
    if (this.plain) {
      if (this.#ticks % 3 === 0) this.out.write(`${line}\n`);
    } else {
      this.out.write(`\r\x1b[K${line.slice(0, (this.out.columns ?? 160) - 1)}`);
    }
  }

  private loadLine(): string {
    const now = Date.now();
    const added = this.state.tail?.read() ?? 0;
    const rate = added / ((now - this.#lastTick) / 1000);
    this.#lastTick = now;
    const s = this.state.sample?.();
    const faults = this.state.activeFaults?.() ?? [];
    return (
      `[${this.state.phase} ${this.elapsed()}] ${Math.round(rate)} req/s · accepted ${this.state.tail?.accepted ?? 0}` +
      ` · stock left ${s?.redisStock ?? '?'} · confirmed ${s?.pgConfirmed ?? '?'} · lag ${s?.kafkaLag ?? '?'}` +
      ` · faults: ${faults.length ? faults.join(', ') : 'none'}`
    );
  }
}
