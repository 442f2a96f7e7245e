import { GenericContainer } from 'testcontainers';

/** A GenericContainer whose published ports bind to 127.0.0.1 on any engine, at host ports chosen beforehand. */
export class LoopbackContainer extends GenericContainer {
  /** Container port → host port, each published on 127.0.0.1 only. */
  withLoopbackPorts(publish: Record<number, number>): this {
    this.withExposedPorts(...Object.entries(publish).map(([container, host]) => ({ container: Number(container), host })));
    for (const [container, host] of Object.entries(publish)) {
      this.hostConfig.PortBindings = { ...this.hostConfig.PortBindings, [`${container}/tcp`]: [{ HostIp: '127.0.0.1', HostPort: String(host) }] };
    }
    return this;
  }
}
