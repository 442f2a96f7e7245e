import { z } from 'zod';

const pattern = /^(\d+(?:\.\d+)?)(ms|s|m)$/;

/** Milliseconds of a duration written like "500ms", "10s" or "2m". */
export function parseDuration(text: string): number {
  const match = pattern.exec(text.trim());
  if (!match) throw new Error(`'${text}' is not a duration like 500ms, 10s or 2m`);
  const value = Number(match[1]);
  return match[2] === 'ms' ? value : match[2] === 's' ? value * 1000 : value * 60_000;
}

/** A zod field for a duration string, parsed to milliseconds. */
export const durationField = z
  .string()
  .regex(pattern, 'a duration like 500ms, 10s or 2m')
  .transform((text) => parseDuration(text));
