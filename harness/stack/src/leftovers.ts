import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { processStat, running } from './childProcesses.ts';
import type { NetworkRecord } from './netns/NetworkRecord.ts';
import { removeNetwork } from './netns/removeNetwork.ts';
import { cacheDir } from './tools/cacheDir.ts';
import { writeFileAtomically } from './tools/publishAtomically.ts';

/** Something a harness process started and stops itself, unless it is killed first. */
export type Owned =
  | { kind: 'process'; name: string; pid: number; /** From /proc/<pid>/stat: a reused pid has another. */ start: number }
  | { kind: 'folder'; name: string; path: string }
  | NetworkRecord;

/** What stopLeftovers stopped or removed, with the pid of the harness that had started it. */
export type Leftover = Owned & { owner: number };

/** `<cache>/runs/<owner pid>-<owner start time>/`, one folder per harness process, one file per thing it started. */
export const ownedRoot = (env: NodeJS.ProcessEnv = process.env) => join(cacheDir(env), 'runs');

let ownFolder: string | undefined;
const procReadable = () => processStat(process.pid) !== undefined;

function folderOfThisProcess(): string {
  if (!ownFolder) {
    ownFolder = join(ownedRoot(), `${process.pid}-${processStat(process.pid)?.start ?? 0}`);
    const folder = ownFolder;
    // A harness that ends normally has stopped everything it recorded: its folder is empty then.
    process.once('exit', () => {
      try {
        rmdirSync(folder);
      } catch {
        /* not empty: the next start stops what is recorded */
      }
    });
  }
  mkdirSync(ownFolder, { recursive: true });
  return ownFolder;
}

/**
 * Records something this process started, so that the next start can stop it if this process is
 * killed before it does. The returned function forgets it, once it is stopped.
 */
export function recordOwned(owned: Owned): () => void {
  if (!procReadable()) return () => {}; // without /proc no pid could be told from a reused one
  const id = owned.kind === 'process' ? String(owned.pid) : createHash('sha256').update(owned.kind === 'folder' ? owned.path : owned.bridge).digest('hex').slice(0, 12);
  const file = join(folderOfThisProcess(), `${owned.kind}-${owned.name}-${id}.json`);
  writeFileAtomically(file, JSON.stringify(owned));
  return () => rmSync(file, { force: true });
}

const readOwned = (file: string): Owned | undefined => {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Owned;
  } catch {
    return undefined; // another sweep removed it, or a temporary file
  }
};

/**
 * Stops what harness processes that are gone had started and recorded (recordOwned): each process
 * still running with its recorded start time, with its process group, by SIGKILL; then each folder
 * and network (namespaces, veth pairs, bridge, DOCKER-USER accept).
 * A live harness's records, and a pid now used by another process, are left alone.
 */
export async function stopLeftovers(options: { log?: (line: string) => void; env?: NodeJS.ProcessEnv } = {}): Promise<Leftover[]> {
  const stopped = await stopRecorded(ownedRoot(options.env));
  const what = stopped.map((s) => (s.kind === 'process' ? `${s.name} (pid ${s.pid})` : s.kind === 'folder' ? s.path : `network ${s.name}`));
  if (what.length) options.log?.(`  stopped what killed runs had left: ${what.join(', ')}`);
  return stopped;
}

async function stopRecorded(root: string): Promise<Leftover[]> {
  if (!procReadable() || !existsSync(root)) return [];
  const stopped: Leftover[] = [];
  const folders: Leftover[] = [];
  const emptied: string[] = [];
  for (const name of readdirSync(root)) {
    const owner = /^(\d+)-(\d+)$/.exec(name);
    if (!owner || running(Number(owner[1]), Number(owner[2]))) continue;
    const dir = join(root, name);
    emptied.push(dir);
    for (const file of existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : []) {
      const owned = readOwned(join(dir, file));
      if (owned?.kind === 'folder' || owned?.kind === 'network') folders.push({ ...owned, owner: Number(owner[1]) });
      if (owned?.kind !== 'process' || !running(owned.pid, owned.start)) continue;
      for (const target of [-owned.pid, owned.pid]) {
        try {
          process.kill(target, 'SIGKILL'); // the group first: it leads one, and helpers it forked go with it
        } catch {
          /* not a group leader, or gone */
        }
      }
      stopped.push({ ...owned, owner: Number(owner[1]) });
    }
  }
  // A folder goes once the processes writing into it have exited.
  for (let waited = 0; stopped.some((p) => p.kind === 'process' && running(p.pid, p.start)) && waited < 5000; waited += 50) await sleep(50);
  for (const folder of folders) {
    if (folder.kind === 'network') {
      if ((await removeNetwork(folder)).length) stopped.push(folder);
    } else if (folder.kind === 'folder' && existsSync(folder.path)) {
      rmSync(folder.path, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
      stopped.push(folder);
    }
  }
  for (const dir of emptied) rmSync(dir, { recursive: true, force: true });
  return stopped;
}
