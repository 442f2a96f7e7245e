import { faultKinds, replicatedFaultKinds } from '@flux-gate/chaos';
import { z } from 'zod';
import { durationField } from './duration.ts';

/**
 * Generated faults: the run's seed draws `count` faults of the listed kinds, each on a process or
 * link the kind fits, starting within `within` of the load's start and lasting between the two
 * bounds of `for`. The runner resolves them into a plain schedule before anything starts.
 */
/** Every kind a generated schedule may name; which of them a topology takes is checked with the topology (experimentSchema). */
export const generatedKinds = [...new Set([...faultKinds, ...replicatedFaultKinds])];
export type GeneratedKind = (typeof generatedKinds)[number];

export const randomFaultsSchema = z.strictObject({
  random: z.strictObject({
    kinds: z.array(z.enum(generatedKinds as [GeneratedKind, ...GeneratedKind[]], { error: `must be one of ${generatedKinds.join(', ')}` })).min(1, 'must name at least one fault kind'),
    count: z.number().int().min(1).max(50),
    /** Every generated fault starts before this time after the load's start. */
    within: durationField,
    /** The shortest and the longest a generated fault lasts. */
    for: z
      .tuple([durationField, durationField])
      .refine(([min, max]) => min > 0 && min <= max, { message: 'must be [shortest, longest] with 0 < shortest ≤ longest' }),
  }),
});

export type RandomFaultsSpec = z.output<typeof randomFaultsSchema>;
export type RandomFaults = RandomFaultsSpec['random'];
