import type { Proxy, Toxiproxy } from 'toxiproxy-node-client';
import { UnknownTargetError } from './UnknownTargetError.ts';

/** The Toxiproxy proxy of a link. Throws UnknownTargetError listing the proxies if there is none. */
export async function linkProxy(toxiproxy: Toxiproxy, link: string): Promise<Proxy> {
  try {
    return await toxiproxy.get(encodeURIComponent(link));
  } catch (err) {
    const known = await toxiproxy.getAll().then(Object.keys, () => {
      throw new Error(`Toxiproxy at ${toxiproxy.host} did not answer (${(err as Error).message}); is the stack up? (npm run stack -- up)`);
    });
    if (!known.includes(link)) throw new UnknownTargetError('link', link, known);
    throw err;
  }
}
