import { build } from 'esbuild';

/** Node's `require` inside the bundle, for the CommonJS dependencies an ES module bundle carries. */
const requireShim = "import { createRequire as __fluxgateRequire } from 'node:module'; const require = __fluxgateRequire(import.meta.url);";

/**
 * Bundles a TypeScript entry point and every dependency it imports into one ES module for Node 24,
 * so that an image needs nothing but node and this file. pg's optional native binding stays out.
 * @platformatic/kafka's WebAssembly helpers read `native.wasm` beside their own file, which a bundle
 * does not carry: their `bundled` entry, with the module inlined, takes their place.
 */
export async function bundleService(entry: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node24',
    alias: { '@platformatic/wasm-utils': '@platformatic/wasm-utils/bundled' },
    format: 'esm',
    external: ['pg-native'],
    banner: { js: requireShim },
    legalComments: 'eof',
    logLevel: 'error',
  });
}
