import { logLevel, type logCreator } from 'kafkajs';
import type { Logger } from 'pino';

const levels = { [logLevel.ERROR]: 'error', [logLevel.WARN]: 'warn', [logLevel.INFO]: 'info', [logLevel.DEBUG]: 'debug', [logLevel.NOTHING]: 'silent' } as const;

/** Routes kafkajs' own log lines into the worker's pino logger, under the `kafkajs` component. */
export function kafkaLogCreator(logger: Logger): logCreator {
  const child = logger.child({ component: 'kafkajs' });
  return () => ({ level, log }) => {
    const { message, ...context } = log;
    const method = levels[level];
    if (method !== 'silent') child[method](context, message);
  };
}
