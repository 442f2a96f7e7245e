import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publishFolder, stagingFolderFor } from '../../tools/publishAtomically.ts';
import { runOrThrow, which } from '../../tools/runCommand.ts';
import { sharedLibraries } from './sharedLibraries.ts';

/** A Node runtime laid out as a root filesystem: the host's node binary and the libraries it loads. */
export interface NodeRuntime {
  /** The folder holding `rootfs/`, the build context of the runtime image. */
  dir: string;
  /** Node's version without the `v`, e.g. 20.20.2. */
  nodeVersion: string;
  /** sha256 of every file in the root filesystem, path and content. */
  hash: string;
}

/** Files a process needs that are not libraries: a user to run as, name lookup through files then DNS. */
const etc: Record<string, string> = {
  'etc/passwd': 'root:x:0:0:root:/root:/sbin/nologin\nnode:x:1000:1000:node:/home/node:/sbin/nologin\n',
  'etc/group': 'root:x:0:\nnode:x:1000:\n',
  'etc/nsswitch.conf': 'hosts: files dns\n',
};

/**
 * Lays out `node` (at /usr/local/bin/node) and its `ldd` libraries (at the paths the binary asks for,
 * symlinks resolved) under `<cache>/images/node-<version>-<hash>/rootfs`. The hash is of the files'
 * contents and of this module, so the same binary and libraries give the same folder, reused.
 */
export async function nodeRuntime(cache: string, node: string = process.execPath): Promise<NodeRuntime> {
  const nodeVersion = (await runOrThrow(node, ['--version'])).trim().replace(/^v/, '');
  const files = new Map<string, string>([['usr/local/bin/node', realpathSync(node)]]);
  for (const lib of await sharedLibraries([node])) files.set(lib.slice(1), realpathSync(lib));

  // This module's own source too: a change to how the folder is laid out makes a new folder and tag.
  const hash = createHash('sha256').update(readFileSync(fileURLToPath(import.meta.url)));
  for (const [target, source] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    hash.update(`${target}\0`).update(readFileSync(source)).update('\0');
  }
  for (const [target, text] of Object.entries(etc)) hash.update(`${target}\0${text}\0`);
  // The official binary carries its symbols and debug information: 13 MB of its 99 MB.
  const strip = await which('strip');
  hash.update(strip ? 'stripped' : 'as built');
  const digest = hash.digest('hex');

  const dir = join(cache, 'images', `node-${nodeVersion}-${digest.slice(0, 12)}`);
  if (existsSync(join(dir, '.complete'))) return { dir, nodeVersion, hash: digest };

  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true }); // left unfinished by an older layout (no .complete)
  mkdirSync(dirname(dir), { recursive: true });
  const staging = stagingFolderFor(dir);
  const rootfs = join(staging, 'rootfs');
  for (const [target, source] of files) {
    mkdirSync(dirname(join(rootfs, target)), { recursive: true });
    copyFileSync(source, join(rootfs, target));
  }
  if (strip) await runOrThrow(strip, [join(rootfs, 'usr/local/bin/node')]);
  for (const [target, text] of Object.entries(etc)) {
    mkdirSync(dirname(join(rootfs, target)), { recursive: true });
    writeFileSync(join(rootfs, target), text);
  }
  mkdirSync(join(rootfs, 'tmp'));
  chmodSync(join(rootfs, 'tmp'), 0o1777);
  mkdirSync(join(rootfs, 'home/node'), { recursive: true });
  writeFileSync(join(staging, '.complete'), `${digest}\n`);
  publishFolder(staging, dir);
  return { dir, nodeVersion, hash: digest };
}
