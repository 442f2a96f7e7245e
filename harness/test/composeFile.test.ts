import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { versions } from '@flux-gate/stack';

const composeFile = readFileSync(fileURLToPath(new URL('../../docker-compose.yml', import.meta.url)), 'utf8');

/** Each service's `image:` line as `{ service, variable, fallback }`. */
function images(text: string) {
  const found: Array<{ service: string; variable?: string; fallback?: string; raw: string }> = [];
  let service = '';
  for (const line of text.split('\n')) {
    const name = /^ {2}([\w-]+):\s*$/.exec(line)?.[1];
    if (name) service = name;
    const image = /^ {4}image:\s*(.+?)\s*$/.exec(line)?.[1];
    if (image) {
      const m = /^\$\{(\w+):-([^}]+)\}$/.exec(image);
      found.push({ service, variable: m?.[1], fallback: m?.[2], raw: image });
    }
  }
  return found;
}

describe('docker-compose.yml', () => {
  const byService = new Map(images(composeFile).map((i) => [i.service, i]));

  it("takes each store's image from a variable whose default is the official tag pinned in versions.ts", () => {
    const stores = Object.keys(versions.officialImages) as Array<keyof typeof versions.officialImages>;
    expect(stores.sort()).toEqual(['kafka', 'postgres', 'redis', 'toxiproxy']);
    for (const store of stores) {
      expect(byService.get(store), `service ${store}`).toEqual({
        service: store,
        variable: `FLUXGATE_${store.toUpperCase()}_IMAGE`,
        fallback: versions.officialImages[store],
        raw: expect.any(String),
      });
    }
  });

  it('takes the API and worker images from variables too', () => {
    expect(byService.get('ingestion-api')?.variable).toBe('FLUXGATE_API_IMAGE');
    expect(byService.get('inventory-worker')?.variable).toBe('FLUXGATE_WORKER_IMAGE');
    expect(byService.size).toBe(6);
  });

  it('publishes every port on 127.0.0.1 alone', () => {
    const portLines = composeFile.split('\n').filter((l) => /^\s+ports:/.test(l));
    expect(portLines.length).toBeGreaterThanOrEqual(5);
    for (const line of portLines) {
      // Flow style only, so that every mapping is on this line and checked.
      const list = /ports:\s*\[(.*)\]\s*$/.exec(line)?.[1];
      expect(list, line).toBeDefined();
      for (const mapping of list!.split(',')) expect(mapping.trim(), line).toMatch(/^"127\.0\.0\.1:\$\{FLUXGATE_\w+_PORT:-\d+\}:\d+"$/);
    }
  });
});
