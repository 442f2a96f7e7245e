import type { ContainerRuntimeClient } from 'testcontainers';
import { freeSubnets, type Subnet } from '../netns/subnetPool.ts';

type Docker = ContainerRuntimeClient['container']['dockerode'];

/** A Docker network of one run, on a /24 of the project's pool: the host is .1 on its bridge, node i is .(10 + i). */
export interface ContainerNetwork {
  name: string;
  subnet: Subnet;
  /** The bridge's name on the host, `fgnet<octet>` as a netns stack's (the kernel refuses a second link of that name). */
  bridge: string;
}

/**
 * Creates a user-defined bridge network on the first /24 of the project's pool (subnetPool) that
 * nothing on this machine routes or holds, so containers can get fixed addresses (a restarted
 * container keeps its own). Internal: the engine drops in FORWARD whatever crosses the bridge to
 * or from outside the /24 (DOCKER-ISOLATION-STAGE-1), so nothing leaves it; the host itself reaches
 * every address over the bridge. No masquerading. Removed with the run's other labelled things (removeLabelled).
 */
export async function createContainerNetwork(docker: Docker, name: string, labels: Record<string, string>): Promise<ContainerNetwork> {
  const refusals: string[] = [];
  for (const subnet of (await freeSubnets()).slice(0, 8)) {
    const bridge = `fgnet${subnet.octet}`;
    try {
      await docker.createNetwork({
        Name: name,
        Driver: 'bridge',
        CheckDuplicate: true,
        Internal: true,
        Labels: labels,
        IPAM: { Driver: 'default', Config: [{ Subnet: subnet.cidr, Gateway: subnet.bridgeAddress }] },
        Options: { 'com.docker.network.bridge.name': bridge, 'com.docker.network.bridge.enable_ip_masquerade': 'false' },
      });
      return { name, subnet, bridge };
    } catch (err) {
      const message = (err as Error).message;
      // Another stack took the /24 or the bridge's name between our look and the engine's create.
      if (!/overlap|already exists|in use/i.test(message)) throw err;
      refusals.push(`${subnet.cidr}: ${message.trim()}`);
    }
  }
  throw new Error(`no /24 of the pool could be made into network ${name}:\n  ${refusals.join('\n  ')}\n(see \`docker network ls\` and \`ip -4 route\`)`);
}
