import { z } from 'zod';
import { brokenModes } from '../services/startSystem.ts';
import { experimentSchema, invariantName } from './experimentSchema.ts';

/**
 * The self-test: each case runs the system with one deliberately broken mode and passes only if
 * the named checker fails on it.
 */
export const canarySchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9-]+$/),
  description: z.string().min(1),
  cases: z
    .array(
      z.strictObject({
        bug: z.enum(brokenModes),
        caughtBy: invariantName,
        experiment: experimentSchema,
      }),
    )
    .min(1),
});

export type Canary = z.output<typeof canarySchema>;
