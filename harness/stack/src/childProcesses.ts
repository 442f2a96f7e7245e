import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Whether a process id is alive. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Live child processes of a process, this one by default (zombies excluded). */
export async function childPids(parent: number = process.pid): Promise<number[]> {
  let out = '';
  try {
    out = execFileSync('ps', ['-o', 'pid=,stat=,comm=', '--ppid', String(parent)], { encoding: 'utf8' });
  } catch {
    return []; // ps exits 1 when nothing matches
  }
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter(([pid, stat, comm]) => pid && !stat?.startsWith('Z') && comm !== 'ps')
    .map(([pid]) => Number(pid));
}

/** A process's start time (clock ticks since boot) and state letter, from /proc/<pid>/stat; undefined once it is gone. */
export function processStat(pid: number): { start: number; state: string } | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces: count fields after its last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0]!, start: Number(fields[19]) };
}

/** Whether the process is running (a zombie is not), and, given its start time, is still the same process and not a reused pid. */
export function running(pid: number, start?: number): boolean {
  const stat = processStat(pid);
  return !!stat && stat.state !== 'Z' && (start === undefined || stat.start === start);
}
