import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { aptInstall } from './aptInstall.ts';
import { which } from './runCommand.ts';
import { ToolError } from './ToolError.ts';

type Log = (line: string) => void;

/** redis-server from PATH, installed with apt when missing and root. */
export async function findRedis(log: Log): Promise<string> {
  const found = await which('redis-server');
  if (found) return found;
  await aptInstall('redis-server', ['redis-server'], log);
  const installed = await which('redis-server');
  if (!installed) throw new ToolError('redis-server', 'still missing after apt-get', 'apt-get install -y redis-server');
  return installed;
}

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
export async function findJava(log: Log): Promise<string> {
  const found = await which('java');
  if (found) return found;
  await aptInstall('java', ['openjdk-17-jre-headless'], log);
  const installed = await which('java');
  if (!installed) throw new ToolError('java', 'still missing after apt-get', 'apt-get install -y openjdk-17-jre-headless');
  return installed;
}

/** Debian's Chromium, for the report's browser tests (never a browser download of a test tool's own). */
export async function findChromium(log: Log): Promise<string> {
  const found = (await which('chromium')) ?? (await which('chromium-browser'));
  if (found) return found;
  await aptInstall('chromium', ['chromium'], log);
  const installed = await which('chromium');
  if (!installed) throw new ToolError('chromium', 'still missing after apt-get', 'apt-get install -y chromium');
  return installed;
}
