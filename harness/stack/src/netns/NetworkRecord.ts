/** What a started network made, by name: recorded before it is made, so removal also covers a run killed half-way. */
export interface NetworkRecord {
  kind: 'network';
  /** `fgnet<octet>`, also the bridge's name. */
  name: string;
  bridge: string;
  /** The host's ends of the veth pairs (the other end is `eth0` in a namespace). */
  hostLinks: string[];
  namespaces: string[];
}
