import { logLevel, type logCreator } from 'kafkajs';
import type { Logger } from 'pino';

const levels = { [logLevel.ERROR]: 'error', [logLevel.WARN]: 'warn', [logLevel.INFO]: 'info', [logLevel.DEBUG]: 'debug', [logLevel.NOTHING]: 'silent' } as const;

/** Routes kafkajs' own log lines into the worker's pino logger, marked `lib: "kafkajs"`. */
export function kafkaLogCreator(logger: Logger): logCreator {
  const child = logger.child({ lib: 'kafkajs' });
  return () =>
    ({ level, log }) => {
      const { message, timestamp: _timestamp, logger: _logger, ...context } = log;
      const method = levels[level];
      if (method !== 'silent') child[method](context, message);
    };
}
