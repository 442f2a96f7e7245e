import type { FaultTimeline } from '@flux-gate/chaos';
import type { FinalState, LoadSummary, Manifest, Results } from '@flux-gate/run-format';
import type { AnyStartedStack, StackProvider, StackTools } from '@flux-gate/stack';
import type { ResolvedExperiment } from '../experiment/resolveExperiment.ts';
import type { GuardMonitor } from '../guards/GuardMonitor.ts';
import type { MetricsScraper } from '../probes/MetricsScraper.ts';
import type { Sampler, Stores } from '../probes/sampler.ts';
import type { RoleWatch } from '../roles/startRoleWatch.ts';
import type { StartedSystem } from '../services/startSystem.ts';
import type { Progress } from './progress.ts';

export interface RunOptions {
  seed: number;
  /** runs/ folder; the run goes to runs/<experiment>/<timestamp>/. */
  runsDir: string;
  /** Plain output for CI (no overwritten status line). */
  ci: boolean;
  signal: AbortSignal;
  repo: string;
  /** Where the stores run; the local provider when not given. */
  stack?: StackProvider;
}

/** One run as it goes: what each phase started or learned, for the phases after it. */
export interface RunContext {
  /** As stored in experiment.json: generated faults already drawn from the seed. */
  experiment: ResolvedExperiment;
  opts: RunOptions;
  runDir: string;
  progress: Progress;
  log: (line: string) => void;
  tools: StackTools;
  manifest: Manifest;
  timeline: FaultTimeline;
  /** Units armed per product, over every round. */
  initialStock: Record<string, number>;
  stack?: AnyStartedStack;
  system?: StartedSystem;
  /** Direct connections to the stores, which no fault touches. */
  stores?: Stores & { close(): Promise<void> };
  sampler?: Sampler;
  /** Replicated topology: roles.ndjson as the run goes, and faults that name roles. */
  roles?: RoleWatch;
  /** Scrapes the services' GET /metrics into metrics.ndjson from the system's start to the drain's end. */
  scraper?: MetricsScraper;
  /** What the load engine did, summed over rounds. */
  load?: LoadSummary;
  /** Kafka lag when the drain began, and the seconds it took (null: not within the timeout). */
  backlog: number | null;
  drainSeconds: number | null;
  final?: FinalState;
  results?: Results;
  /** The abort guards' evaluations over every round, for an experiment with guards. */
  guards?: GuardMonitor;
  /** The stack, the system or the load engine could not start. */
  startFailed: boolean;
  error?: string;
}
