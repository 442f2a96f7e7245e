/** A process the harness started, with the verbs faults need. */
export interface ProcessHandle {
  readonly name: string;
  /** The current process id; changes on restart, undefined while not running. */
  readonly pid: number | undefined;
  readonly running: boolean;
  readonly logFile: string;
  /** SIGKILL, then wait until it is gone. */
  kill(): Promise<void>;
  /** SIGSTOP. */
  pause(): void;
  /** SIGCONT. */
  resume(): void;
  /** Start again (after kill or stop) and wait until it answers. */
  restart(): Promise<void>;
  /** Graceful stop: its stop signal, then SIGKILL after a grace period. Safe to call twice. */
  stop(): Promise<void>;
}
