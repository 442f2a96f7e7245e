/** A dependency the API needs at start did not answer: says which, where, and what to try. */
export class StartupError extends Error {
  constructor(dependency: string, address: string, variable: string, cause: unknown) {
    super(
      `${dependency} at ${address} did not answer at start (${(cause as Error)?.message ?? String(cause)}). ` +
        `Check that it runs and that ${variable} points at it (for a local stack: npm run stack -- up).`,
      { cause },
    );
    this.name = 'StartupError';
  }
}
