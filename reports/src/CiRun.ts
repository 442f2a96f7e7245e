import type { Manifest, Results } from '@flux-gate/run-format';

/** What the CI outputs of one run are made from. */
export interface CiRun {
  /** The experiment's name (the test suite). */
  name: string;
  description?: string;
  dir: string;
  manifest: Manifest;
  results: Results;
}
