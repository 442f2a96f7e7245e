import { existsSync, readFileSync } from 'node:fs';
import { release } from 'node:os';
import { gunzipSync } from 'node:zlib';

let known: boolean | undefined;

/**
 * Whether this kernel has the netem qdisc (`tc netem`, CONFIG_NET_SCH_NETEM), from its own config
 * (/proc/config.gz, else /boot/config-<release>) or a loaded sch_netem module. True when neither
 * says: tc then reports the missing qdisc at inject. Read once.
 */
export function kernelHasNetem(): boolean {
  if (known !== undefined) return known;
  if (existsSync('/sys/module/sch_netem')) return (known = true);
  const config = (() => {
    try {
      if (existsSync('/proc/config.gz')) return gunzipSync(readFileSync('/proc/config.gz')).toString('utf8');
      const boot = `/boot/config-${release()}`;
      return existsSync(boot) ? readFileSync(boot, 'utf8') : undefined;
    } catch {
      return undefined;
    }
  })();
  known = config === undefined || /^CONFIG_NET_SCH_NETEM=[ym]$/m.test(config);
  return known;
}

/** Why a netem fault cannot run here, for the experiment's refusal. */
export const noNetemMessage =
  'this kernel has no netem qdisc (CONFIG_NET_SCH_NETEM is not set; `zcat /proc/config.gz | grep NETEM`), so delay on a link cannot be made on this machine; for packet loss use kind "loss" (iptables statistic, with "from" for a replication link)';
