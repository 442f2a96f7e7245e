/**
 * A node with a network namespace of its own: a local process's (`ip netns`) or a container's. The
 * stack provides it; faults only run iptables and tc inside it and read its address.
 */
export interface NetworkNode {
  readonly name: string;
  /** Its IPv4 address, which peers connect from and to. */
  readonly address: string;
  /** Its network interface inside the namespace (the veth end), e.g. eth0. */
  readonly interface: string;
  /** Runs a command to completion inside the node's namespace, as root; throws on a non-zero exit. */
  exec(command: string, args: string[]): Promise<string>;
}
