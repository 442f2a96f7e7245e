import { Toxiproxy } from 'toxiproxy-node-client';

/** Removes every toxic and re-enables every proxy (Toxiproxy POST /reset). Process faults are not touched. */
export async function healAll(toxiproxyUrl: string): Promise<void> {
  await new Toxiproxy(toxiproxyUrl).reset();
}
