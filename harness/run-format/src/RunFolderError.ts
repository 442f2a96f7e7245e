/** The path given is not a readable run folder; the message names the path and what to run next. */
export class RunFolderError extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(
      `${path}: ${reason}.\n` +
        'A run folder is runs/<experiment>/<timestamp>/ with a manifest.json in it. ' +
        'List the runs with `ls -d runs/*/*/`, or make one with `npm run experiment <name>`.',
    );
    this.name = 'RunFolderError';
  }
}
