import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { which } from './runCommand.ts';
import { ToolError } from './ToolError.ts';

/** The go binary and an environment that keeps Go's module and build caches inside our cache. */
export async function goEnv(cache: string): Promise<{ go: string; env: NodeJS.ProcessEnv }> {
  const go = (await which('go')) ?? ['/usr/local/go/bin/go', '/usr/lib/go/bin/go'].find((p) => existsSync(p));
  if (!go) {
    throw new ToolError('go', 'the Go toolchain is needed to build Toxiproxy', 'apt-get install -y golang-go');
  }
  const gopath = join(cache, 'go');
  return {
    go,
    env: {
      ...process.env,
      GOPATH: gopath,
      GOMODCACHE: join(gopath, 'mod'),
      GOCACHE: join(gopath, 'build-cache'),
      GOFLAGS: '-modcacherw -buildvcs=false',
      CGO_ENABLED: '0',
    },
  };
}
