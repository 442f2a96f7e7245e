/**
 * Runs `cleanup` once on SIGINT or SIGTERM, then exits with 130 or 143.
 * A second Ctrl-C while cleaning up is ignored with a note, so nothing is left half-stopped.
 */
export function onShutdown(cleanup: () => Promise<void>): void {
  let cleaning = false;
  const handler = (signal: NodeJS.Signals) => {
    if (cleaning) {
      process.stderr.write(`still stopping (${signal} ignored); wait a few seconds\n`);
      return;
    }
    cleaning = true;
    process.stderr.write(`\n${signal}: stopping everything…\n`);
    cleanup()
      .catch((err: unknown) => process.stderr.write(`cleanup error: ${String(err)}\n`))
      .finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
