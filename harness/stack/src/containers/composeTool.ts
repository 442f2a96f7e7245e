import { aptInstall } from '../tools/aptInstall.ts';
import { runCommand } from '../tools/runCommand.ts';
import { ToolError } from '../tools/ToolError.ts';

/** A Compose command: `docker compose …` (the plugin) or `docker-compose …` (Debian's 1.29). */
export interface ComposeTool {
  command: string;
  /** Arguments before the subcommand: `['compose']` for the plugin. */
  prefix: string[];
  version: string;
}

async function probe(command: string, prefix: string[]): Promise<ComposeTool | undefined> {
  const r = await runCommand(command, [...prefix, 'version', '--short']).catch(() => undefined);
  const version = r?.stdout.trim();
  return r?.code === 0 && version ? { command, prefix, version } : undefined;
}

const find = async () => (await probe('docker', ['compose'])) ?? (await probe('docker-compose', []));

/**
 * The Compose plugin if the docker CLI has it, else `docker-compose`; when neither is there and the
 * user is root, Debian's `docker-compose` package is installed (the plugin is not packaged by Debian).
 */
export async function composeTool(log: (line: string) => void): Promise<ComposeTool> {
  const found = await find();
  if (found) return found;
  await aptInstall('docker-compose', ['docker-compose'], log);
  const installed = await find();
  if (!installed) throw new ToolError('docker-compose', 'still missing after apt-get', 'apt-get install -y docker-compose');
  return installed;
}
