/** A part of the stack that failed to start or answer, with the tail of its log. */
export class StackPartError extends Error {
  constructor(
    readonly part: string,
    problem: string,
    readonly logTail: string,
    readonly logFile?: string,
  ) {
    super(
      `${part} ${problem}` +
        (logFile ? `\n  log: ${logFile}` : '') +
        (logTail ? `\n  last lines:\n${logTail.replace(/^/gm, '    | ')}` : ''),
    );
    this.name = 'StackPartError';
  }
}
