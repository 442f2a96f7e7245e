import type { ProcessSpec } from '../ManagedProcess.ts';
import { inNamespace } from './inNamespace.ts';
import type { NamespacedNode } from './NamespacedNode.ts';
import type { NetworkRecord } from './NetworkRecord.ts';
import { removeNetwork } from './removeNetwork.ts';

/** Network namespaces on a bridge of the project's own, one per node; `stop()` removes all of it. */
export class StartedNodeNetworks implements AsyncDisposable {
  #stopped = false;

  constructor(
    readonly record: NetworkRecord,
    /** The /24, e.g. 10.213.17.0/24. */
    readonly subnet: string,
    /** The bridge's own address: what the nodes see the host as. */
    readonly hostAddress: string,
    readonly nodes: Readonly<Record<string, NamespacedNode>>,
    /** Whether the bridge needed (and got) an accept in Docker's DOCKER-USER chain. */
    readonly dockerUserAccept: boolean,
    /** `iptables -V`'s back end, nf_tables or legacy, used for every rule. */
    readonly iptablesBackend: string,
    /** Seconds the bridge, namespaces and links took to make. */
    readonly startSeconds: number,
    readonly forget: () => void,
  ) {}

  get bridge(): string {
    return this.record.bridge;
  }

  /** A node by name; throws naming the known nodes. */
  node(name: string): NamespacedNode {
    const node = this.nodes[name];
    if (!node) throw new Error(`no node "${name}" in network ${this.record.name}; nodes: ${Object.keys(this.nodes).join(', ')}`);
    return node;
  }

  /** The spec of a process that runs inside the node's namespace (for ManagedProcess). */
  inNamespace(name: string, spec: ProcessSpec): ProcessSpec {
    return inNamespace(spec, this.node(name).netnsPath);
  }

  /** Removes every namespace, veth pair, rule and the bridge; kills what still runs inside. Safe to repeat. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    await removeNetwork(this.record);
    this.#stopped = true;
    this.forget();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}
