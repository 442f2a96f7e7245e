import { redisKeys } from '@flux-gate/contracts';
import calculateSlot from 'cluster-key-slot';
import type { Cluster, Redis } from 'ioredis';
import { ReplicaWait, type ReplicaWaiter, type ReplicaWaitOptions, type Vouch } from './ReplicaWait.ts';

const notHeld: Vouch = { held: async () => false };
const nodeKey = (node: Redis) => `${node.options.host}:${node.options.port}`;

/**
 * ReplicaWait on a Redis Cluster: a take is vouched for by WAIT on the connection to the primary of
 * its product's slot, the one the Cluster client sent the take on (one ReplicaWait per primary
 * connection, so WAIT counts the takes of that shard only). `before` notes which primary holds the
 * slot and the generation of that connection; the take is vouched for only if the slot still maps
 * to that primary once it answered. A MOVED during the take (a failover or a slot move) rewrites the
 * client's slot map and so fails the vouch: the take ran elsewhere, and a WAIT on the old primary
 * would say nothing about it. A take does not write under ASK (the importing node answers TRYAGAIN
 * while any of its keys is missing there, and the stored-answer key it then finds ends it first).
 */
export class ShardReplicaWait implements ReplicaWaiter {
  readonly #waits = new WeakMap<Redis, ReplicaWait>();

  constructor(
    private readonly cluster: Cluster,
    readonly options: ReplicaWaitOptions,
  ) {}

  before(productId: string): Vouch {
    const slot = calculateSlot(redisKeys.stock(productId));
    const primary = this.cluster.slots[slot]?.[0];
    const node = primary === undefined ? undefined : this.cluster.nodes('master').find((n) => nodeKey(n) === primary);
    if (!node) return notHeld;
    let wait = this.#waits.get(node);
    if (!wait) this.#waits.set(node, (wait = new ReplicaWait(node, this.options)));
    const made = wait.connection();
    const shard = wait;
    return { held: async () => this.cluster.slots[slot]?.[0] === primary && (await shard.held(made)) };
  }
}
