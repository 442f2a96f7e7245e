import { build } from 'esbuild';

/** Node's `require` inside the bundle, for the CommonJS dependencies an ES module bundle carries. */
const requireShim = "import { createRequire as __fluxgateRequire } from 'node:module'; const require = __fluxgateRequire(import.meta.url);";

/**
 * Bundles a TypeScript entry point and every dependency it imports into one ES module for Node 20,
 * so that an image needs nothing but node and this file. pg's optional native binding stays out.
 */
export async function bundleService(entry: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    external: ['pg-native'],
    banner: { js: requireShim },
    legalComments: 'eof',
    logLevel: 'error',
  });
}
