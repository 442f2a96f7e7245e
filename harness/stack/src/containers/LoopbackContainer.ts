import { GenericContainer } from 'testcontainers';

/** A GenericContainer whose published ports bind to 127.0.0.1 on any engine, at host ports chosen beforehand, and which may take a fixed address. */
export class LoopbackContainer extends GenericContainer {
  /** Container port → host port, each published on 127.0.0.1 only. */
  withLoopbackPorts(publish: Record<number, number>): this {
    this.withExposedPorts(...Object.entries(publish).map(([container, host]) => ({ container: Number(container), host })));
    for (const [container, host] of Object.entries(publish)) {
      this.hostConfig.PortBindings = { ...this.hostConfig.PortBindings, [`${container}/tcp`]: [{ HostIp: '127.0.0.1', HostPort: String(host) }] };
    }
    return this;
  }

  /** Joins `network` at a fixed address (the network must have a subnet of its own). */
  withAddress(network: string, address: string): this {
    this.withNetworkMode(network);
    this.createOpts.NetworkingConfig = { EndpointsConfig: { [network]: { IPAMConfig: { IPv4Address: address } } } };
    return this;
  }
}
