/** A fault names a process or link that does not exist; the message lists the ones that do. */
export class UnknownTargetError extends Error {
  constructor(what: 'process' | 'link', name: string, known: readonly string[]) {
    super(`unknown ${what} "${name}"; known ${what === 'process' ? 'processes' : 'links'}: ${known.length ? known.join(', ') : '(none)'}`);
    this.name = 'UnknownTargetError';
  }
}
