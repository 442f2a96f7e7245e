import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { aptInstall } from './aptInstall.ts';
import { which } from './runCommand.ts';
import { ToolError } from './ToolError.ts';

type Log = (line: string) => void;

/** The first of `commands` found on PATH; installed with apt when missing and root. */
async function findOrInstall(tool: string, commands: string[], packages: string[], log: Log): Promise<string> {
  const lookup = async () => {
    for (const command of commands) {
      const found = await which(command);
      if (found) return found;
    }
    return undefined;
  };
  const found = await lookup();
  if (found) return found;
  await aptInstall(tool, packages, log);
  const installed = await lookup();
  if (!installed) throw new ToolError(tool, 'still missing after apt-get', `apt-get install -y ${packages.join(' ')}`);
  return installed;
}

/** redis-server from PATH, installed with apt when missing and root. */
export const findRedis = (log: Log) => findOrInstall('redis-server', ['redis-server'], ['redis-server'], log);

/** The directory holding PostgreSQL's initdb and postgres, from PATH or /usr/lib/postgresql/<version>/bin. */
export async function findPostgres(log: Log): Promise<string> {
  const lookup = async () => {
    const onPath = await which('initdb');
    if (onPath && existsSync(join(dirname(onPath), 'postgres'))) return dirname(onPath);
    const root = '/usr/lib/postgresql';
    if (!existsSync(root)) return undefined;
    const versions = readdirSync(root)
      .filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
      .sort((a, b) => Number(b) - Number(a));
    return versions[0] ? join(root, versions[0], 'bin') : undefined;
  };
  const found = await lookup();
  if (found) return found;
  await aptInstall('postgresql', ['postgresql'], log);
  const installed = await lookup();
  if (!installed) throw new ToolError('postgresql', 'still missing after apt-get', 'apt-get install -y postgresql');
  return installed;
}

/** java from PATH (Kafka needs 11 or newer). */
export const findJava = (log: Log) => findOrInstall('java', ['java'], ['openjdk-17-jre-headless'], log);

/** wrk, the closed-loop HTTP load generator of the benchmark's full-speed phases. */
export const findWrk = (log: Log) => findOrInstall('wrk', ['wrk'], ['wrk'], log);

/** Debian's Chromium, for the report's browser tests (never a browser download of a test tool's own). */
export const findChromium = (log: Log) => findOrInstall('chromium', ['chromium', 'chromium-browser'], ['chromium'], log);

/** ip from iproute2: network namespaces, veth pairs, bridges (`ip netns`, `ip link`). */
export const findIp = (log: Log) => findOrInstall('ip', ['ip'], ['iproute2'], log);

/** iptables (Debian 12: the nftables back end), for the accept in Docker's DOCKER-USER and the partitions inside namespaces. */
export const findIptables = (log: Log) => findOrInstall('iptables', ['iptables'], ['iptables'], log);

/** nginx, the replicated shape's load balancer: Debian's nginx-light (no service is started: the harness runs its own). */
export const findNginx = (log: Log) => findOrInstall('nginx', ['nginx'], ['nginx-light'], log);
