import { recordOwned, stopLeftovers } from '../leftovers.ts';
import { findIp, findIptables } from '../tools/findSystemTools.ts';
import { runCommand, runOrThrow } from '../tools/runCommand.ts';
import { acceptInDockerUser } from './dockerUserAccept.ts';
import { ipBatch } from './ipBatch.ts';
import { namespacedNode } from './NamespacedNode.ts';
import type { NetworkRecord } from './NetworkRecord.ts';
import { removeNetwork } from './removeNetwork.ts';
import { StartedNodeNetworks } from './StartedNodeNetworks.ts';
import { freeSubnets, maxNodes, type Subnet } from './subnetPool.ts';

const nodeName = /^[a-z0-9][a-z0-9-]{0,31}$/;

/** Creates the bridge `fgnet<octet>` of the first free /24 no other stack holds: the kernel refuses a second link of that name. */
async function claimBridge(): Promise<{ bridge: string; subnet: Subnet }> {
  for (const subnet of await freeSubnets()) {
    const bridge = `fgnet${subnet.octet}`;
    const made = await runCommand('ip', ['link', 'add', bridge, 'type', 'bridge']);
    if (made.code === 0) return { bridge, subnet };
    if (!/exists/i.test(made.stderr)) throw new Error(`\`ip link add ${bridge} type bridge\` failed: ${made.stderr.trim()}`);
  }
  throw new Error('no free /24 left in 10.213.0.0/16 for a bridge; see `ip -4 route show table all` and `ip link | grep fgnet`');
}

/**
 * A network namespace per node, each with an address of its own on a bridge the project makes: a
 * veth pair per node (`eth0` inside, a port of the bridge outside), loopback up, no default route,
 * so nothing leaves the /24; the bridge holds the host's address on it. Needs root.
 */
export class NodeNetworks {
  #log: (line: string) => void = () => {};

  constructor(readonly nodeNames: readonly string[]) {
    const bad = nodeNames.filter((n) => !nodeName.test(n));
    if (bad.length) throw new Error(`node names must be lowercase letters, digits and '-', at most 32: ${bad.join(', ')}`);
    if (new Set(nodeNames).size !== nodeNames.length) throw new Error(`node names must be unique: ${nodeNames.join(', ')}`);
    if (nodeNames.length < 1 || nodeNames.length > maxNodes) throw new Error(`a network holds 1 to ${maxNodes} nodes, not ${nodeNames.length}`);
  }

  withLog(log: (line: string) => void): this {
    this.#log = log;
    return this;
  }

  async start(): Promise<StartedNodeNetworks> {
    if (process.getuid?.() !== 0) throw new Error('network namespaces need root (ip netns add, veth pairs, a bridge); run as root, or use the stack without namespaces');
    await findIp(this.#log);
    await findIptables(this.#log);
    await stopLeftovers({ log: this.#log });
    const started = performance.now();
    const { bridge, subnet } = await claimBridge();
    const record: NetworkRecord = {
      kind: 'network',
      name: bridge,
      bridge,
      hostLinks: this.nodeNames.map((_, i) => `${bridge}v${i}`),
      namespaces: this.nodeNames.map((n) => `${bridge}-${n}`),
    };
    const forget = recordOwned(record);
    try {
      await ipBatch([
        // addrgenmode none: no IPv6 link-local address, so nothing but the /24 on these links.
        `link set ${bridge} addrgenmode none`,
        `addr add ${subnet.bridgeAddress}/24 dev ${bridge}`,
        `link set ${bridge} up`,
        ...record.namespaces.map((ns) => `netns add ${ns}`),
        ...record.hostLinks.flatMap((link, i) => [
          `link add ${link} master ${bridge} type veth peer name eth0 netns ${record.namespaces[i]}`,
          `link set ${link} addrgenmode none`,
          `link set ${link} up`,
        ]),
      ]);
      await Promise.all(
        record.namespaces.map((namespace, i) =>
          ipBatch(['link set lo up', 'link set eth0 addrgenmode none', `addr add ${subnet.nodeAddress(i)}/24 dev eth0`, 'link set eth0 up'], { namespace }),
        ),
      );
      const dockerUser = await acceptInDockerUser(bridge);
      const backend = /\((\w+)\)/.exec(await runOrThrow('iptables', ['-V']))?.[1] ?? 'unknown';
      const nodes = Object.fromEntries(
        this.nodeNames.map((name, i) => [
          name,
          namespacedNode({ name, namespace: record.namespaces[i]!, address: subnet.nodeAddress(i), interface: 'eth0', hostLink: record.hostLinks[i]! }),
        ]),
      );
      const seconds = (performance.now() - started) / 1000;
      this.#log(`network ${bridge}: ${subnet.cidr}, host ${subnet.bridgeAddress}, ${this.nodeNames.map((n) => `${n} ${nodes[n]!.address}`).join(', ')} (${seconds.toFixed(2)} s)`);
      return new StartedNodeNetworks(record, subnet.cidr, subnet.bridgeAddress, nodes, dockerUser, backend, seconds, forget);
    } catch (err) {
      await removeNetwork(record).catch(() => {});
      forget();
      throw err;
    }
  }
}
