import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildServiceImages, type ServiceImages, type ServiceImageSpec } from '@flux-gate/stack';
import { apiMain, apiNodeFlags, workerMain } from './serviceEntries.ts';

/** The version in the package.json above a service's `src/main.ts`. */
const packageVersion = (main: string) => (JSON.parse(readFileSync(join(dirname(main), '..', 'package.json'), 'utf8')) as { version: string }).version;

/** The system's images, the ingestion API and the inventory worker, in their state in this checkout. */
export interface SystemImages {
  api: string;
  worker: string;
  built: ServiceImages;
}

const apiSpec = (): ServiceImageSpec => ({ name: 'ingestion-api', version: packageVersion(apiMain), entry: apiMain, nodeFlags: apiNodeFlags });

/**
 * Builds (or finds) the images of the ingestion API and the inventory worker from this checkout's
 * code: `flux-gate/ingestion-api:<version>-<hash>` and `flux-gate/inventory-worker:<version>-<hash>`.
 */
export async function buildSystemImages(log: (line: string) => void): Promise<SystemImages> {
  const built = await buildServiceImages([apiSpec(), { name: 'inventory-worker', version: packageVersion(workerMain), entry: workerMain }], log);
  const [api, worker] = built.services;
  if (!api || !worker) throw new Error('buildServiceImages returned fewer images than asked for');
  return { api: api.tag, worker: worker.tag, built };
}

/** The ingestion API's image alone (as buildSystemImages makes it), for API instances run as containers. */
export async function buildApiImage(log: (line: string) => void): Promise<string> {
  const [api] = (await buildServiceImages([apiSpec()], log)).services;
  if (!api) throw new Error('buildServiceImages returned no image for the ingestion API');
  return api.tag;
}
