import type { TestProject } from 'vitest/node';
import { composeTool, type ComposeTool, ensureDockerEngine, ensureInfraImages, ensureTools, type InfraImages } from '@flux-gate/stack';
import { composeImageEnv } from '../../src/services/composeImageEnv.ts';
import { buildSystemImages } from '../../src/services/systemImages.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The four stores' images, as ensureInfraImages tagged them. */
    infraImages: InfraImages;
    /** docker-compose.yml's FLUXGATE_*_IMAGE variables, naming every image built here. */
    composeImageEnv: Record<string, string>;
    composeTool: ComposeTool;
  }
}

/**
 * vitest's global setup of the containers tests: the tools, a Docker engine (docker.io installed
 * and dockerd started when none answers), the stores' and the system's images and a Compose tool,
 * once, before the test files run in parallel; none of them installs or builds anything. Returns
 * the teardown, which stops the engine if it was started here.
 */
export default async function provisionContainers(project: TestProject): Promise<() => Promise<void>> {
  const log = (line: string) => process.stderr.write(`[setup] ${line}\n`);
  await ensureTools({ log });
  const engine = await ensureDockerEngine({ log });
  try {
    const infra = (await ensureInfraImages({ log })).images;
    const system = await buildSystemImages((line) => log(`    … ${line}`));
    project.provide('infraImages', infra);
    project.provide('composeImageEnv', composeImageEnv(infra, system));
    project.provide('composeTool', await composeTool(log));
    // The test processes use this engine and never look for (or install) another.
    process.env.DOCKER_HOST ??= 'unix:///var/run/docker.sock';
  } catch (err) {
    await engine.stop();
    throw err;
  }
  return async () => {
    if (engine.startedHere) log('stopping the dockerd started for the tests');
    await engine.stop();
  };
}
