import { InvalidArgumentError } from 'commander';
import { type BrokenMode, brokenModes } from '../services/startSystem.ts';

/** Commander value parsers shared by the CLIs; each refusal names the option and the value. */
export const positiveNumber = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive number, got '${value}'`);
  return n;
};

export const wholeNumber = (name: string, min: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be a whole number ≥ ${min}, got '${value}'`);
  return n;
};

export const brokenModeValue = (value: string): BrokenMode => {
  if (!(brokenModes as readonly string[]).includes(value)) throw new InvalidArgumentError(`--broken must be one of ${brokenModes.join(', ')}, got '${value}'`);
  return value as BrokenMode;
};
