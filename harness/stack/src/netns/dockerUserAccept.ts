import { runCommand, runOrThrow } from '../tools/runCommand.ts';

/** The rule, in DOCKER-USER, that lets frames between the ports of a bridge through. */
const rule = (bridge: string) => ['DOCKER-USER', '-i', bridge, '-o', bridge, '-j', 'ACCEPT'];

/**
 * Once dockerd runs, the host's FORWARD policy is DROP and (br_netfilter) frames crossing any bridge
 * pass through FORWARD: a bridge of the project's own then carries nothing between its ports unless
 * DOCKER-USER, the chain Docker leaves to its users and jumps to first, accepts them. Adds that
 * accept when the chain exists, with the `iptables` Docker itself calls (one back end for every
 * rule); returns whether it did.
 */
export async function acceptInDockerUser(bridge: string): Promise<boolean> {
  if ((await runCommand('iptables', ['-S', 'DOCKER-USER'])).code !== 0) return false;
  await runOrThrow('iptables', ['-I', ...rule(bridge)]);
  return true;
}

/** Removes every copy of the bridge's accept from DOCKER-USER; nothing when the chain or rule is not there. */
export async function removeDockerUserAccept(bridge: string): Promise<void> {
  while ((await runCommand('iptables', ['-C', ...rule(bridge)])).code === 0) await runOrThrow('iptables', ['-D', ...rule(bridge)]);
}
