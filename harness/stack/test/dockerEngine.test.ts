import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ensureDockerEngine } from '../src/index.ts';

const engineModule = fileURLToPath(new URL('../src/containers/dockerEngine.ts', import.meta.url));

/** ensureDockerEngine in a fresh process (it is memoized per process), with the given environment. */
function ensureIn(env: NodeJS.ProcessEnv) {
  const script = `import { ensureDockerEngine } from ${JSON.stringify(engineModule)};
ensureDockerEngine({ log: () => {} }).then((e) => console.log(JSON.stringify(e)), (err) => { console.error(err.message); process.exit(3); });`;
  return spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
}

describe('ensureDockerEngine', () => {
  it('uses the engine that answers, without starting one', async () => {
    const engine = await ensureDockerEngine({ log: () => {} });
    expect(engine.version).toMatch(/^\d+\.\d+/);
    expect(engine.startedHere).toBe(false);
  });

  it('refuses a DOCKER_HOST that does not answer, with the command to check it, and starts nothing', () => {
    const r = ensureIn({ DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    expect(r.status).toBe(3);
    expect(r.stderr).toContain('no engine answers at DOCKER_HOST=unix:///nonexistent/docker.sock');
    expect(r.stderr).toContain('fix: docker -H unix:///nonexistent/docker.sock info');
  });
});
