import { pino, type Logger } from 'pino';

/** NDJSON logs on stdout with the worker's component context. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { component: 'inventory-worker', pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime });
}
