import { spawn } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, cpSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runOrThrow } from '../../tools/runCommand.ts';
import { postgresDatabase, postgresUser } from '../../startPostgres.ts';
import { unprivilegedUser } from '../../unprivilegedUser.ts';
import type { ImageRecipe } from './buildImage.ts';
import { sharedLibraries } from './sharedLibraries.ts';

/** The user PostgreSQL runs as inside the image (the official image's uid is 999 too). */
const uid = 999;

/**
 * PostgreSQL from this machine's server binary, its modules, its share folder and their shared
 * libraries, FROM scratch, run by an unprivileged user. The cluster is made at build time with the
 * machine's initdb (user `flux`, database `fluxgate`, trust authentication), so a container starts
 * in well under a second; its configuration follows the official image's (PGDATA, listen '*').
 * LLVM's JIT is left out (jit=off): it would bring 100 MB of LLVM along.
 */
export async function postgresImage(pathBin: string): Promise<ImageRecipe> {
  // The server finds its modules and share folder relative to its real place (not a link on PATH).
  const binDir = dirname(realpathSync(join(pathBin, 'postgres')));
  const version = /(\d+\.\d+)/.exec(await runOrThrow(join(binDir, 'postgres'), ['--version']))?.[1] ?? 'unknown';
  const major = version.split('.')[0]!;
  const root = dirname(binDir); // /usr/lib/postgresql/<major>
  const libDir = join(root, 'lib');
  const modules = readdirSync(libDir)
    .filter((f) => f.endsWith('.so') && !f.startsWith('llvmjit'))
    .map((f) => join(libDir, f));
  const share = `/usr/share/postgresql/${major}`;
  const tree = (dir: string, prefix = 'rootfs'): Array<{ from: string; to: string }> =>
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .map((e) => join(e.parentPath, e.name))
      .filter((path) => statSync(path).isFile())
      .map((from) => ({ from, to: `${prefix}${from}` }));
  const server = join(binDir, 'postgres');
  const libs = await sharedLibraries([server, ...modules]);
  return {
    part: 'postgres',
    version,
    source: import.meta.url,
    inputs: `${version} ${postgresUser} ${postgresDatabase}`,
    files: [
      { from: server, to: `rootfs${server}` },
      ...modules.map((m) => ({ from: m, to: `rootfs${m}` })),
      ...tree(share),
      ...tree('/usr/share/zoneinfo'),
      ...libs.map((lib) => ({ from: lib, to: `rootfs${lib}` })),
    ],
    generate: async (context, log) => {
      mkdirSync(join(context, 'rootfs/etc'), { recursive: true });
      writeFileSync(join(context, 'rootfs/etc/passwd'), `root:x:0:0:root:/root:/sbin/nologin\npostgres:x:${uid}:${uid}:PostgreSQL:/var/lib/postgresql:/sbin/nologin\n`);
      writeFileSync(join(context, 'rootfs/etc/group'), `root:x:0:\npostgres:x:${uid}:\n`);
      mkdirSync(join(context, 'run'));
      log('initdb and CREATE DATABASE, with the machine\'s PostgreSQL');
      const data = await makeCluster(binDir);
      try {
        // Copied as a folder holding the data directory: COPY keeps a subfolder's mode (0700,
        // which the server insists on) but makes its destination folder itself 0755.
        mkdirSync(join(context, 'home'));
        cpSync(data, join(context, 'home', 'data'), { recursive: true });
      } finally {
        rmSync(dirname(data), { recursive: true, force: true });
      }
    },
    dockerfile: [
      'FROM scratch',
      'COPY rootfs/ /',
      `COPY --chown=${uid}:${uid} home/ /var/lib/postgresql/`,
      `COPY --chown=${uid}:${uid} run/ /var/run/postgresql/`,
      `ENV PATH=${binDir}:/usr/local/bin:/usr/bin:/bin PGDATA=/var/lib/postgresql/data LANG=C.UTF-8`,
      `USER ${uid}:${uid}`,
      'STOPSIGNAL SIGINT',
      'EXPOSE 5432',
      'CMD ["postgres"]',
      '',
    ].join('\n'),
  };
}

/** A fresh cluster with the stack's user and database, in a temporary folder; returns its data directory. */
async function makeCluster(binDir: string): Promise<string> {
  const user = unprivilegedUser();
  const dir = mkdtempSync(join(tmpdir(), 'flux-gate-pgimage-'));
  chmodSync(dir, 0o755);
  const data = join(dir, 'data');
  mkdirSync(data, { mode: 0o700 });
  if (user) chownSync(data, user.uid, user.gid);
  const as = { ...(user ?? {}), cwd: dir, env: { ...process.env, LC_ALL: 'C', TZ: 'UTC' } };
  await runOrThrow(join(binDir, 'initdb'), ['-D', data, '-U', postgresUser, '--auth=trust', '--no-sync', '-E', 'UTF8', '--no-locale'], as);
  // Single-user mode reads the statement from stdin and needs no port.
  await new Promise<void>((resolve, reject) => {
    const child = spawn(join(binDir, 'postgres'), ['--single', '-D', data, '-c', 'fsync=off', 'postgres'], { ...as, stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`postgres --single exited with ${code}: ${err}`))));
    child.stdin.end(`CREATE DATABASE ${postgresDatabase};\n`);
  });
  appendFileSync(
    join(data, 'postgresql.conf'),
    ["listen_addresses = '*'", "unix_socket_directories = '/var/run/postgresql'", 'jit = off', "timezone = 'UTC'", "log_timezone = 'UTC'", ''].join('\n'),
  );
  appendFileSync(join(data, 'pg_hba.conf'), 'host all all all trust\n');
  return data;
}
