import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { runOrThrow } from '../../tools/runCommand.ts';
import type { ImageRecipe } from './buildImage.ts';
import { sharedLibraries } from './sharedLibraries.ts';

/** Redis from this machine's redis-server and its shared libraries, FROM scratch, as an unprivileged user. */
export async function redisImage(redisServer: string): Promise<ImageRecipe> {
  const version = /v=(\S+)/.exec(await runOrThrow(redisServer, ['--version']))?.[1] ?? 'unknown';
  const libs = await sharedLibraries([redisServer]);
  return {
    part: 'redis',
    version,
    source: import.meta.url,
    files: [{ from: redisServer, to: 'rootfs/usr/local/bin/redis-server' }, ...libs.map((lib) => ({ from: lib, to: `rootfs${lib}` }))],
    generate: async (context) => {
      mkdirSync(join(context, 'data'));
    },
    dockerfile: [
      'FROM scratch',
      'COPY rootfs/ /',
      'COPY --chown=999:999 data/ /data/',
      'WORKDIR /data',
      'USER 999:999',
      'EXPOSE 6379',
      'CMD ["redis-server"]',
      '',
    ].join('\n'),
  };
}
