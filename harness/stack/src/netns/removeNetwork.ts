import { runCommand } from '../tools/runCommand.ts';
import { ipBatch } from './ipBatch.ts';
import { removeDockerUserAccept } from './dockerUserAccept.ts';
import type { NetworkRecord } from './NetworkRecord.ts';

/** Processes still inside a namespace (`ip netns pids`); none when it is gone. */
async function pidsIn(namespace: string): Promise<number[]> {
  const { stdout } = await runCommand('ip', ['netns', 'pids', namespace]);
  return stdout.split('\n').filter(Boolean).map(Number);
}

/** Every name in the record that still exists: namespaces, links (veths and bridge). */
export async function remainingOf(record: NetworkRecord): Promise<string[]> {
  const namespaces = (await runCommand('ip', ['netns', 'list'])).stdout.split('\n').map((line) => line.split(' ')[0]);
  const links = (JSON.parse((await runCommand('ip', ['-j', 'link'])).stdout || '[]') as { ifname: string }[]).map((l) => l.ifname);
  return [...record.namespaces.filter((n) => namespaces.includes(n)), ...[...record.hostLinks, record.bridge].filter((l) => links.includes(l))];
}

/**
 * Removes what a network made, whatever part of it exists: kills the processes left in its
 * namespaces (only the harness starts any there), then deletes the veth pairs (both ends), the
 * namespaces with their iptables rules and qdiscs, the DOCKER-USER accept and the bridge. Returns
 * the namespaces and links it found; throws naming what is still there afterwards.
 */
export async function removeNetwork(record: NetworkRecord): Promise<string[]> {
  const found = await remainingOf(record);
  for (const pid of (await Promise.all(record.namespaces.map(pidsIn))).flat()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone already */
    }
  }
  // Deleting the host's end of a veth deletes both ends at once; force goes on past what is already gone.
  await ipBatch([...record.hostLinks.map((l) => `link del ${l}`), ...record.namespaces.map((n) => `netns del ${n}`), `link del ${record.bridge}`], { force: true });
  await removeDockerUserAccept(record.bridge);
  const left = await remainingOf(record);
  if (left.length) throw new Error(`network ${record.name}: still there after removal: ${left.join(', ')}; remove by hand with \`ip netns del <name>\` / \`ip link del <name>\``);
  return found;
}
