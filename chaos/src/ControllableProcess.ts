/** What a process fault needs from a running process; the harness's process handles fit this shape. */
export interface ControllableProcess {
  readonly name: string;
  /** Current process id; undefined while not running. */
  readonly pid: number | undefined;
  readonly running: boolean;
  /** SIGKILL and wait until the process is gone. */
  kill(): Promise<void>;
  /** SIGSTOP; calling it twice must be harmless. */
  pause(): void | Promise<void>;
  /** SIGCONT; calling it twice must be harmless. */
  resume(): void | Promise<void>;
  /** Start again and wait until the process answers. */
  restart(): Promise<void>;
}
