import { z } from 'zod';

const pattern = /^(\d+(?:\.\d+)?)(ms|s|m)$/;

/** Milliseconds of a duration written like "500ms", "10s" or "2m". */
export function parseDuration(text: string): number {
  const match = pattern.exec(text.trim());
  if (!match) throw new Error(`'${text}' is not a duration like 500ms, 10s or 2m`);
  const value = Number(match[1]);
  return match[2] === 'ms' ? value : match[2] === 's' ? value * 1000 : value * 60_000;
}

/**
 * A zod field for a duration: a string like "500ms", "10s" or "2m", or a number of milliseconds (as
 * a resolved experiment stores it, so that a run's experiment.json loads again as it is).
 */
export const durationField = z.union([
  z.number().min(0, 'a duration in milliseconds must be ≥ 0'),
  z
    .string()
    .regex(pattern, 'a duration like 500ms, 10s or 2m')
    .transform((text) => parseDuration(text)),
], { error: 'a duration like 500ms, 10s or 2m (or a number of milliseconds)' });
