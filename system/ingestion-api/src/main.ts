import { ConfigError } from './config/ConfigError.ts';
import { loadConfig } from './config/loadConfig.ts';
import { createLogger } from './createLogger.ts';
import { startApi } from './startApi.ts';

let config;
try {
  config = loadConfig(process.env);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
}
const log = createLogger(config);
try {
  const api = await startApi(config, log);
  const shutdown = (signal: NodeJS.Signals) => {
    log.info({ signal }, 'stopping');
    api.stop().then(
      () => process.exit(0),
      (err: Error) => {
        log.error({ err: err.message }, 'unclean stop');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
} catch (err) {
  log.fatal({ err: (err as Error).message }, 'ingestion API could not start');
  process.exit(1);
}
