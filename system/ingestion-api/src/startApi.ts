import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApp } from './buildApp.ts';
import type { Config } from './config/loadConfig.ts';

/** A listening API. `stop()` (or `await using`) closes it and its connections; safe to call twice. */
export interface StartedApi extends AsyncDisposable {
  /** Base URL, e.g. http://127.0.0.1:3000 (the real port when PORT=0). */
  url: string;
  port: number;
  app: FastifyInstance;
  stop(): Promise<void>;
}

/** Builds the app (connecting Redis, PostgreSQL and Kafka) and listens on config.host:config.port. */
export async function startApi(config: Config, log?: Logger): Promise<StartedApi> {
  const built = await buildApp(config, log);
  try {
    await built.app.listen({ host: config.host, port: config.port });
  } catch (err) {
    await built.close();
    throw err;
  }
  const address = built.app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  built.log.info({ url, brokenModes: config.broken }, 'ingestion API listening');
  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= built.close());
  return { url, port, app: built.app, stop, [Symbol.asyncDispose]: stop };
}
