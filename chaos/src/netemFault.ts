import type { Fault, FaultIdentity } from './Fault.ts';
import type { NetemSpec } from './faultSpec.ts';
import type { NetworkNode } from './NetworkNode.ts';

/** Whether the kernel lacks the netem qdisc (CONFIG_NET_SCH_NETEM), from tc's complaint. */
const noNetem = (err: unknown) => /qdisc kind is unknown|Unknown qdisc/i.test((err as Error).message);

/** Deletes the node's root qdisc when it is a netem; nothing otherwise. */
export async function removeNetem(node: NetworkNode): Promise<void> {
  const qdisc = await node.exec('tc', ['qdisc', 'show', 'dev', node.interface]).catch(() => '');
  if (/\bnetem\b/.test(qdisc)) await node.exec('tc', ['qdisc', 'del', 'dev', node.interface, 'root']);
}

/**
 * `tc netem` delay and loss on the node's own interface (its veth end): every packet the node sends,
 * to peers and to the host, is delayed or dropped. Inject replaces the root qdisc (repeating it
 * changes the figures, never stacks); heal deletes it when it is a netem. On a kernel without netem,
 * inject throws saying so.
 */
export function netemFault(spec: NetemSpec, identity: FaultIdentity, nodesAtInject: () => Promise<NetworkNode[]>, allNodes: readonly NetworkNode[]): Fault {
  const netem = [
    ...(spec.delayMs > 0 ? ['delay', `${spec.delayMs}ms`, ...(spec.jitterMs > 0 ? [`${spec.jitterMs}ms`] : [])] : []),
    ...(spec.lossPercent > 0 ? ['loss', `${spec.lossPercent}%`] : []),
  ];
  return {
    ...identity,
    async inject() {
      for (const node of await nodesAtInject()) {
        try {
          await node.exec('tc', ['qdisc', 'replace', 'dev', node.interface, 'root', 'netem', ...netem]);
        } catch (err) {
          if (!noNetem(err)) throw err;
          throw new Error(
            `${identity.label}: this kernel has no netem qdisc (CONFIG_NET_SCH_NETEM; check \`zcat /proc/config.gz | grep NETEM\`); for packet loss without it use kind "loss" (iptables statistic)`,
          );
        }
      }
    },
    async heal() {
      await Promise.all(allNodes.map(removeNetem));
    },
  };
}
