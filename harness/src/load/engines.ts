import { builtinEngine } from './builtinEngine.ts';
import { k6Engine } from './k6Engine.ts';
import type { LoadEngine } from './LoadEngine.ts';

/** Every load engine by the name experiments and --engine use. */
export const engines = { builtin: builtinEngine, k6: k6Engine } satisfies Record<string, LoadEngine>;
export type EngineName = keyof typeof engines;
export const engineNames = Object.keys(engines) as EngineName[];
