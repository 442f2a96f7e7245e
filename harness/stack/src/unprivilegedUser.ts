import { readFileSync } from 'node:fs';

/**
 * When running as root, the uid/gid of the `postgres` account (PostgreSQL refuses to run as root);
 * otherwise undefined, and processes run as the current user.
 */
export function unprivilegedUser(name = 'postgres'): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  if (!line) {
    throw new Error(`running as root, but there is no '${name}' user to run PostgreSQL as; run: apt-get install -y postgresql`);
  }
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}
