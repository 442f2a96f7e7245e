import { runOrThrow } from '../tools/runCommand.ts';

/**
 * The /16 the project's /24s come from: private (RFC 1918), outside Docker's default pools
 * (172.17–31.0.0/16, 192.168.0.0/16) and the ranges cloud and VPN clients tend to use. Each stack
 * takes one /24 of it, whose third octet is also in its bridge's name (`fgnet<octet>`), so the kernel's
 * refusal of a second link with the same name is what keeps two stacks from taking the same /24.
 */
export const subnetPool = { prefix: '10.213', octets: 256 } as const;

/** One /24 of the pool: the bridge (the host's address on it) is .1, node i is .(10 + i). */
export interface Subnet {
  octet: number;
  cidr: string;
  bridgeAddress: string;
  nodeAddress(index: number): string;
}

/** The largest number of nodes one /24 holds (.10 to .254). */
export const maxNodes = 245;

export function subnet(octet: number): Subnet {
  const base = `${subnetPool.prefix}.${octet}`;
  return { octet, cidr: `${base}.0/24`, bridgeAddress: `${base}.1`, nodeAddress: (index) => `${base}.${10 + index}` };
}

const toInt = (address: string) => address.split('.').reduce((n, part) => n * 256 + Number(part), 0);

/** Whether two IPv4 networks (a.b.c.d/len, or a bare address) share an address. */
export function overlaps(a: string, b: string): boolean {
  const range = (cidr: string) => {
    const [address, length = '32'] = cidr.split('/');
    const size = 2 ** (32 - Number(length));
    const start = Math.floor(toInt(address!) / size) * size;
    return [start, start + size] as const;
  };
  const [a0, a1] = range(a);
  const [b0, b1] = range(b);
  return a0 < b1 && b0 < a1;
}

/**
 * Every IPv4 network this machine routes or holds an address in, in any routing table, except the
 * default route (which covers everything, and which a more specific route on the bridge overrides).
 */
export async function usedNetworks(): Promise<string[]> {
  const routes = JSON.parse(await runOrThrow('ip', ['-4', '-j', 'route', 'show', 'table', 'all'])) as { dst: string }[];
  const addresses = JSON.parse(await runOrThrow('ip', ['-4', '-j', 'addr'])) as { addr_info: { local: string; prefixlen: number }[] }[];
  return [
    ...routes.map((r) => r.dst).filter((dst) => dst && dst !== 'default' && /^\d/.test(dst)),
    ...addresses.flatMap((link) => link.addr_info.map((a) => `${a.local}/${a.prefixlen}`)),
  ];
}

/** The /24s of the pool that overlap nothing on this machine, from a random start (fewer collisions between stacks starting together). */
export async function freeSubnets(): Promise<Subnet[]> {
  const used = await usedNetworks();
  const first = Math.floor(Math.random() * subnetPool.octets);
  return Array.from({ length: subnetPool.octets }, (_, i) => subnet((first + i) % subnetPool.octets)).filter((s) => !used.some((u) => overlaps(u, s.cidr)));
}
