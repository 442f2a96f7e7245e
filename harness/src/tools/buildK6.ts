import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { goEnv } from './goEnv.ts';
import { runCommand, runOrThrow } from './runCommand.ts';
import { ToolError } from './ToolError.ts';
import { versions } from './versions.ts';

export interface K6Build {
  bin: string;
  /** Extensions compiled in; empty when xk6-kafka could not be fetched here. */
  extensions: string[];
  /** Why xk6-kafka is missing, when it is. */
  missing?: string;
  cached: boolean;
}

const xk6Module = 'go.k6.io/xk6';
const kafkaModule = 'github.com/mostafa/xk6-kafka';

/** Asks the Go module proxy for a module version; returns the refusal text, or undefined when it is there. */
async function unavailable(go: string, env: NodeJS.ProcessEnv, module: string, cwd: string): Promise<string | undefined> {
  const result = await runCommand(go, ['mod', 'download', '-json', module], { env, cwd, timeoutMs: 120_000 });
  if (result.code === 0) return undefined;
  try {
    return (JSON.parse(result.stdout) as { Error?: string }).Error ?? result.stderr.trim();
  } catch {
    return (result.stderr || result.stdout).trim();
  }
}

/**
 * k6 built with xk6 and the xk6-kafka extension at the pinned versions. Where the module proxy
 * refuses xk6 or xk6-kafka, builds plain k6 from its Go module and says what is missing.
 */
export async function buildK6(cache: string, log: (line: string) => void): Promise<K6Build> {
  const dir = join(cache, `k6-${versions.k6}-xk6-kafka-${versions.xk6Kafka}`);
  const bin = join(dir, 'k6');
  const stamp = join(dir, 'build.json');
  if (existsSync(bin) && existsSync(stamp)) {
    return { ...(JSON.parse(readFileSync(stamp, 'utf8')) as Omit<K6Build, 'cached'>), cached: true };
  }
  const { go, env } = await goEnv(cache);
  mkdirSync(dir, { recursive: true });
  const work = mkdtempSync(join(cache, 'k6-build-'));
  try {
    log(`checking the module proxy for ${xk6Module}@${versions.xk6} and ${kafkaModule}@${versions.xk6Kafka}`);
    const refused =
      (await unavailable(go, env, `${kafkaModule}@${versions.xk6Kafka}`, work)) ??
      (await unavailable(go, env, `${xk6Module}@${versions.xk6}`, work));
    let build: Omit<K6Build, 'cached'>;
    if (!refused) {
      log(`go install ${xk6Module}/cmd/xk6@${versions.xk6}`);
      await runOrThrow(go, ['install', `${xk6Module}/cmd/xk6@${versions.xk6}`], { env: { ...env, GOBIN: work } });
      log(`xk6 build ${versions.k6} --with ${kafkaModule}@${versions.xk6Kafka}`);
      await runOrThrow(join(work, 'xk6'), ['build', versions.k6, '--with', `${kafkaModule}@${versions.xk6Kafka}`, '--output', bin], {
        env,
        cwd: work,
      });
      build = { bin, extensions: ['xk6-kafka'] };
    } else {
      log(`xk6-kafka is not available here (${refused.split('\n')[0]}); building plain k6 ${versions.k6}`);
      await runOrThrow(go, ['install', `go.k6.io/k6@${versions.k6}`], { env: { ...env, GOBIN: work } });
      renameSync(join(work, 'k6'), bin);
      build = { bin, extensions: [], missing: refused.split('\n')[0] };
    }
    writeFileSync(stamp, JSON.stringify(build, null, 2));
    return { ...build, cached: false };
  } catch (err) {
    throw new ToolError('k6', `build failed: ${(err as Error).message}`, `rm -rf ${dir} && npm run setup`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
