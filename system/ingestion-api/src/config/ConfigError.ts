/** A bad environment: one line per offending variable, each starting with its name. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid ingestion-api configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}\nFix the variables above (see system/ingestion-api/README.md) and start again.`);
    this.name = 'ConfigError';
  }
}
