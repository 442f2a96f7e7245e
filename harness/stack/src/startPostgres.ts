import { appendFileSync, chownSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { runOrThrow } from './tools/runCommand.ts';
import { ManagedProcess } from './ManagedProcess.ts';
import { postgresAnswers } from './readinessProbes.ts';
import { StackPartError } from './StackPartError.ts';
import { unprivilegedUser } from './unprivilegedUser.ts';

export const postgresUser = 'flux';
export const postgresDatabase = 'fluxgate';

/** The server's settings beyond its address and data, for the local and the containers stack alike. */
export const postgresSettings = ['-c', 'fsync=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200', '-c', 'shared_buffers=256MB'];

/**
 * A fresh PostgreSQL cluster in `dir`, as the `postgres` user when we are root.
 * Durability is relaxed only against a machine crash: fsync is off, but synchronous_commit stays on,
 * so a commit returns once its WAL is written to the OS. A killed postgres process thus loses no
 * batch the worker saw committed (and whose Kafka offsets it then committed).
 */
export async function postgresProcess(opts: {
  binDir: string;
  port: number;
  dir: string;
  readyTimeoutMs: number;
  /** Addresses beyond 127.0.0.1 to listen on, and the networks whose clients it trusts there (e.g. a bridge's address and its /24). */
  alsoOn?: { addresses: string[]; networks: string[] };
}): Promise<ManagedProcess> {
  const data = join(opts.dir, 'postgres');
  const user = unprivilegedUser();
  mkdirSync(data, { recursive: true, mode: 0o700 });
  if (user) chownSync(data, user.uid, user.gid);
  await runOrThrow(join(opts.binDir, 'initdb'), ['-D', data, '-U', postgresUser, '--auth=trust', '--no-sync', '-E', 'UTF8', '--no-locale'], {
    ...(user ?? {}),
    cwd: data,
    env: { ...process.env, LC_ALL: 'C' },
  }).catch((err: Error) => {
    throw new StackPartError('postgres', `initdb failed: ${err.message}`, '');
  });
  // initdb --auth=trust trusts local sockets and 127.0.0.1 only; clients from the other networks need a line each.
  for (const network of opts.alsoOn?.networks ?? []) appendFileSync(join(data, 'pg_hba.conf'), `host all all ${network} trust\n`);
  return new ManagedProcess({
    name: 'postgres',
    command: join(opts.binDir, 'postgres'),
    args: [
      '-D', data,
      '-p', String(opts.port),
      '-c', `listen_addresses=${['127.0.0.1', ...(opts.alsoOn?.addresses ?? [])].join(',')}`,
      '-c', `unix_socket_directories=${data}`,
      ...postgresSettings,
    ],
    ...(user ?? {}),
    logFile: join(opts.dir, 'logs', 'postgres.log'),
    readyTimeoutMs: opts.readyTimeoutMs,
    stopSignal: 'SIGINT',
    ready: () => postgresAnswers(opts.port, postgresUser, postgresDatabase),
  });
}
