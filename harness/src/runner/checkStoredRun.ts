import { type CheckResult, type HistoryEntry, type QueueEntry, readRun, type RecordEntry, type Run, runFileNames as files, type Verdict } from '@flux-gate/run-format';
import { type CheckInput, defaultInvariants, guardsHeld, MissingInput, runCheckers, steadyStateAfterHeal, worstVerdict } from '../checkers/index.ts';
import type { Experiment } from '../experiment/experimentSchema.ts';
import { invariantsOf } from '../experiment/invariantsOf.ts';
import { parseDefinition } from '../experiment/loadExperiment.ts';

/** What the checks read of an experiment. */
export type CheckedExperiment = Pick<Experiment, 'load' | 'system' | 'thresholds' | 'invariants' | 'unknownBudget' | 'guards'>;

export interface StoredChecks {
  verdict: Verdict;
  checks: CheckResult[];
  /** What was missing or unreadable in the folder, in words. */
  problems: string[];
  run: Run;
  /** The experiment the checks read, or null when experiment.json could not be used. */
  experiment: CheckedExperiment | null;
}

/** Makes `key` of the input throw MissingInput when read: a checker that needs it answers unknown, saying why. */
function missing<K extends keyof CheckInput>(input: Partial<CheckInput>, key: K, why: string): void {
  Object.defineProperty(input, key, {
    enumerable: true,
    get() {
      throw new MissingInput(why);
    },
  });
}

/** The problem readRun noted about a file, if any ("final-state.json is missing"). */
const problemWith = (run: Run, file: string) => run.problems.find((p) => p.startsWith(file));

/** The stored experiment.json, validated as any experiment; a string says why it cannot be used. */
function storedExperiment(run: Run): CheckedExperiment | string {
  if (!run.experiment) return problemWith(run, files.experiment) ?? `${files.experiment} is missing`;
  try {
    const d = parseDefinition(run.experiment, files.experiment);
    return d.kind === 'experiment' ? d.experiment : `${files.experiment} holds a canary, not one run's experiment`;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** Every check unknown, for a folder whose experiment cannot be read: the names the run reported, else the defaults. */
function allUnknown(run: Run, why: string): CheckResult[] {
  const names = run.results?.checks.length ? run.results.checks.map((c) => c.name) : [...defaultInvariants.http, 'steady_state_after_heal'];
  return names.map((name) => ({ name, verdict: 'unknown', summary: `Not checked: ${why}.`, counts: {}, witnesses: [] }));
}

async function checkInput(run: Run, experiment: CheckedExperiment, problems: string[]): Promise<CheckInput> {
  const { waitingRoom, ...load } = experiment.thresholds;
  const input: Partial<CheckInput> = {
    thresholds: { ...load, waitingRoom: { fifoTolerance: waitingRoom.fifoTolerance, soldOutNoticeMs: waitingRoom.soldOutNotice, etaMedianErrorMs: waitingRoom.etaMedianError } },
    perUserLimit: experiment.system.perUserLimit,
    ...(experiment.unknownBudget === undefined ? {} : { unknownBudget: experiment.unknownBudget }),
    ...(run.afterHeal ? { afterHeal: run.afterHeal } : {}),
    ...(run.guards ? { guards: run.guards } : {}),
  };
  const torn = (file: string) => (line: number) => problems.push(`${file} line ${line} is not JSON (skipped)`);
  const kafka = experiment.load.workload === 'kafka';
  const historyMissing = !kafka && problemWith(run, files.history);
  if (historyMissing) {
    missing(input, 'history', historyMissing);
    missing(input, 'dropped', historyMissing);
  } else {
    const history: HistoryEntry[] = [];
    let dropped = 0;
    for await (const entry of run.history(torn(files.history))) {
      if (entry.outcome === 'dropped') dropped++;
      else history.push(entry);
    }
    Object.assign(input, { history, dropped });
  }
  const records: RecordEntry[] = [];
  for await (const record of run.records(torn(files.records))) records.push(record);
  if (kafka && records.length === 0 && problemWith(run, files.history)) missing(input, 'records', `${files.records} is missing`);
  else input.records = records;
  const queue: QueueEntry[] = [];
  for await (const step of run.queue(torn(files.queue))) queue.push(step);
  input.queue = queue;
  const faultsProblem = problemWith(run, files.faults);
  if (faultsProblem) missing(input, 'faults', faultsProblem);
  else input.faults = run.faults;
  if (run.finalState) {
    input.final = run.finalState;
    input.initialStock = Object.fromEntries(run.finalState.products.map((p) => [p.productId, p.initialStock]));
  } else {
    const why = problemWith(run, files.finalState) ?? `${files.finalState} is missing`;
    missing(input, 'final', why);
    missing(input, 'initialStock', why);
  }
  return input as CheckInput;
}

/**
 * Every check of a run from its stored files alone, with no stack and no system: the experiment's
 * invariants, steady_state_after_heal (after-heal.json) and, when the experiment has guards, guards
 * (guards.json). The live run ends with this same function, so `npm run check` gives its verdicts.
 * A check whose file is missing answers unknown and says which. `experiment` defaults to the
 * folder's experiment.json.
 */
export async function checkStoredRun(runDir: string, experiment?: CheckedExperiment): Promise<StoredChecks> {
  const run = await readRun(runDir);
  const problems = [...run.problems];
  const resolved = experiment ?? storedExperiment(run);
  if (typeof resolved === 'string') {
    const checks = allUnknown(run, resolved);
    return { verdict: 'unknown', checks, problems, run, experiment: null };
  }
  const input = await checkInput(run, resolved, problems);
  const checks = [
    ...runCheckers(input, invariantsOf(resolved)).checks,
    steadyStateAfterHeal(input),
    ...(resolved.guards.length ? [guardsHeld(input)] : []),
  ];
  return { verdict: worstVerdict(checks.map((c) => c.verdict)), checks, problems, run, experiment: resolved };
}
