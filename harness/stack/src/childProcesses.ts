import { execFileSync } from 'node:child_process';

/** Whether a process id is alive. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Live child processes of this test process (zombies excluded). */
export async function childPids(): Promise<number[]> {
  let out = '';
  try {
    out = execFileSync('ps', ['-o', 'pid=,stat=,comm=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  } catch {
    return []; // ps exits 1 when nothing matches
  }
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter(([pid, stat, comm]) => pid && !stat?.startsWith('Z') && comm !== 'ps')
    .map(([pid]) => Number(pid));
}
