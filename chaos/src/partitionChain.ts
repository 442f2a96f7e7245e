import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NetworkNode } from './NetworkNode.ts';

/** The project's own chain in each node's filter table; INPUT jumps to it first. */
export const partitionChain = 'FLUXGATE';

const succeeds = (run: Promise<unknown>) => run.then(() => true, () => false);

/**
 * Makes the chain and puts the jump to it first in INPUT: before any "ESTABLISHED accept", so a
 * drop cuts live connections as well as new ones (a DROP consults no connection state, so conntrack
 * need not be flushed). Safe to repeat.
 */
export async function ensurePartitionChain(node: NetworkNode): Promise<void> {
  if (!(await succeeds(node.exec('iptables', ['-S', partitionChain])))) await node.exec('iptables', ['-N', partitionChain]);
  if (!(await succeeds(node.exec('iptables', ['-C', 'INPUT', '-j', partitionChain])))) await node.exec('iptables', ['-I', 'INPUT', '1', '-j', partitionChain]);
}

/** The comment that tags a fault's rules, so its heal removes those and no other fault's. */
export const ruleTag = (faultId: string) => `fluxgate:${faultId.replace(/[^\w.:-]/g, '_')}`;

/**
 * Applies iptables commands (`-A FLUXGATE …`, `-D FLUXGATE …`) to the node's filter table in one
 * `iptables-restore --noflush`: one process whatever the number of rules, where a command each took
 * seconds for a node cut from a dozen peers. The file is read by path: nsenter enters only the network
 * namespace, so the node sees the host's files.
 */
async function restoreRules(node: NetworkNode, commands: string[][]): Promise<void> {
  if (commands.length === 0) return;
  const dir = mkdtempSync(join(tmpdir(), 'flux-gate-rules-'));
  try {
    const file = join(dir, 'rules');
    writeFileSync(file, ['*filter', ...commands.map((c) => c.join(' ')), 'COMMIT', ''].join('\n'));
    await node.exec('iptables-restore', ['--noflush', file]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Puts the rules (matches and target each) in the node's chain, tagged with the fault, in one batch.
 * Safe to repeat: the fault's rules already there are removed first, so none is there twice.
 */
export async function addChainRules(node: NetworkNode, faultId: string, rules: string[][]): Promise<void> {
  const tag = ruleTag(faultId);
  await ensurePartitionChain(node);
  await removeChainRules(node, faultId);
  await restoreRules(
    node,
    rules.map((rule) => ['-A', partitionChain, ...rule.slice(0, -2), '-m', 'comment', '--comment', tag, ...rule.slice(-2)]),
  );
}

/**
 * Deletes every rule of the node's chain tagged with the fault, each by its own spec (not by number:
 * two faults healing on one node at once would shift each other's numbers); nothing when the chain is
 * not there.
 */
export async function removeChainRules(node: NetworkNode, faultId: string): Promise<void> {
  const listing = await node.exec('iptables', ['-S', partitionChain]).catch(() => '');
  const tag = ruleTag(faultId);
  // iptables -S prints the comment quoted ("fluxgate:…") with the nftables back end, bare with legacy;
  // a tag holds no space, so the words of a line are its arguments once the quotes are gone.
  const rules = listing
    .split('\n')
    .filter((line) => line.startsWith(`-A ${partitionChain} `))
    .map((line) => line.split(' ').map((word) => word.replace(/^"|"$/g, '')))
    .filter((words) => words.includes(tag));
  await restoreRules(node, rules.map((words) => ['-D', ...words.slice(1)]));
}

/** Empties the node's chain: every partition and loss rule of every fault. */
export async function flushPartitionChain(node: NetworkNode): Promise<void> {
  if (await succeeds(node.exec('iptables', ['-S', partitionChain]))) await node.exec('iptables', ['-F', partitionChain]);
}
