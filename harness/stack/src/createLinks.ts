import { Toxiproxy } from 'toxiproxy-node-client';
import { StackPartError } from './StackPartError.ts';
import type { Link, LinkName } from './StackProvider.ts';

/** One Toxiproxy proxy per client link given, each listening at `host` (Toxiproxy's own address) on a port the OS picks. */
export async function createLinks<L extends LinkName>(toxiproxyUrl: string, upstreams: Record<L, string>, host = '127.0.0.1'): Promise<Record<L, Link>> {
  const toxiproxy = new Toxiproxy(toxiproxyUrl);
  const links = await Promise.all(
    (Object.keys(upstreams) as L[]).map(async (name): Promise<Link> => {
      const proxy = await toxiproxy.createProxy({ name, listen: `${host}:0`, upstream: upstreams[name] }).catch((err: Error) => {
        throw new StackPartError('toxiproxy', `could not create proxy ${name}: ${err.message}`, '');
      });
      return { proxy: name, listen: proxy.listen, upstream: upstreams[name] };
    }),
  );
  return Object.fromEntries(links.map((l) => [l.proxy, l])) as Record<L, Link>;
}
