import { postgresDatabase, postgresUser } from './startPostgres.ts';

/** The address of every node on the host; a node in a network namespace of its own has the namespace's. */
export const loopback = '127.0.0.1';
export const addr = (port: number) => `${loopback}:${port}`;
/** The port of a host:port. */
export const portOf = (hostPort: string) => Number(hostPort.split(':').at(-1));
export const pgUrl = (port: number, host = loopback) => `postgres://${postgresUser}@${host}:${port}/${postgresDatabase}`;
