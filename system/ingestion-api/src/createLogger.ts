import { pino, type Logger } from 'pino';
import type { Config } from './config/loadConfig.ts';

/** NDJSON logs on stdout, every line carrying the component and the instance id. */
export function createLogger(config: Pick<Config, 'logLevel' | 'instanceId'>): Logger {
  return pino({ level: config.logLevel, base: { component: 'ingestion-api', instance: config.instanceId } });
}
