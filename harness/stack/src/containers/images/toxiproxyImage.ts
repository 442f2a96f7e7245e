import { versions } from '../../tools/versions.ts';
import type { ImageRecipe } from './buildImage.ts';

/** Toxiproxy's static server binary alone, FROM scratch, started as Shopify's image starts it. */
export function toxiproxyImage(toxiproxyServer: string): ImageRecipe {
  return {
    part: 'toxiproxy',
    version: versions.toxiproxy.replace(/^v/, ''),
    source: import.meta.url,
    files: [{ from: toxiproxyServer, to: 'toxiproxy' }],
    dockerfile: [
      'FROM scratch',
      'COPY toxiproxy /toxiproxy',
      'USER 65534:65534',
      'EXPOSE 8474',
      'ENTRYPOINT ["/toxiproxy"]',
      'CMD ["-host=0.0.0.0"]',
      '',
    ].join('\n'),
  };
}
