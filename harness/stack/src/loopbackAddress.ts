import { postgresDatabase, postgresUser } from './startPostgres.ts';

/** Every node's address for now; a node in a network namespace of its own will have another. */
export const loopback = '127.0.0.1';
export const addr = (port: number) => `${loopback}:${port}`;
/** The port of a host:port. */
export const portOf = (hostPort: string) => Number(hostPort.split(':').at(-1));
export const pgUrl = (port: number, host = loopback) => `postgres://${postgresUser}@${host}:${port}/${postgresDatabase}`;
