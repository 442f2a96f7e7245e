const plural = { process: 'processes', link: 'links', node: 'nodes' } as const;

/** A fault names a process, link or node that does not exist; the message lists the ones that do. */
export class UnknownTargetError extends Error {
  constructor(what: keyof typeof plural, name: string, known: readonly string[]) {
    super(`unknown ${what} "${name}"; known ${plural[what]}: ${known.length ? known.join(', ') : '(none)'}`);
    this.name = 'UnknownTargetError';
  }
}
