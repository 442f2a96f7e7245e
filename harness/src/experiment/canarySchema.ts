import { z } from 'zod';
import { invariantsOf } from './invariantsOf.ts';
import { brokenModes } from '../services/startSystem.ts';
import { type Experiment, experimentSchema, invariantName } from './experimentSchema.ts';

/**
 * The self-test: each case runs the system with one deliberately broken mode and passes only if
 * the named checker fails on it. A bug has one case, and its checker must be among those the
 * case's experiment runs.
 */
export const canarySchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9-]+$/),
  description: z.string().min(1),
  cases: z
    .array(
      z
        .strictObject({
          bug: z.enum(brokenModes),
          caughtBy: invariantName,
          experiment: experimentSchema,
        })
        .refine((c) => invariantsOf(c.experiment).includes(c.caughtBy), {
          message: 'is not among the invariants the case\'s experiment checks',
          path: ['caughtBy'],
        }),
    )
    .min(1)
    .superRefine((cases, ctx) => {
      const seen = new Set<string>();
      cases.forEach((c, i) => {
        if (seen.has(c.bug)) ctx.addIssue({ code: 'custom', message: `${c.bug} has a case already; one case per bug`, path: [i, 'bug'] });
        seen.add(c.bug);
      });
    }),
});

export type Canary = z.output<typeof canarySchema>;

/** A case's experiment with its bug on, as the canary runs it. */
export function caseExperiment(c: Canary['cases'][number]): Experiment {
  return { ...c.experiment, system: { ...c.experiment.system, brokenModes: [c.bug] } };
}
