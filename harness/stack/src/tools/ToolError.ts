/** A tool that cannot be had, with the command a person can run to fix it. */
export class ToolError extends Error {
  constructor(
    readonly tool: string,
    problem: string,
    readonly fix: string,
  ) {
    super(`${tool}: ${problem}\n  fix: ${fix}`);
    this.name = 'ToolError';
  }
}
