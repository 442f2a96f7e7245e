import type { GuardLog, GuardObservation, GuardSpec } from '@flux-gate/run-format';
import { describe, expect, it } from 'vitest';
import { guardsHeld } from '../src/checkers/guardsHeld.ts';
import { ExperimentError, parseDefinition } from '../src/experiment/loadExperiment.ts';
import { describeGuard } from '../src/guards/describeGuard.ts';
import { firstTrip } from '../src/guards/GuardEvaluator.ts';
import { clean } from './support/checkInputs.ts';

const t0 = 1_000_000;
/** Evaluations every 500 ms from t0: [answers, errors] each, with a stock and a lag. */
const observations = (counts: [number, number][], fields: Partial<GuardObservation> = {}): GuardObservation[] =>
  counts.map(([answers, errors], i) => ({ ts: t0 + 500 * (i + 1), round: 0, answers, errors, redisStock: 10, kafkaLag: 0, ...fields }));
const log = (guards: GuardSpec[], obs: GuardObservation[]): GuardLog => ({ guards, rounds: [{ round: 0, loadStartedAt: t0 }], observations: obs });
const errorRate = (above: number, forMs: number, window = 1000): GuardSpec => ({ kind: 'error_rate', above, for: forMs, window });

describe('abort guards', () => {
  it('an error rate trips only once it has stayed above the threshold for the whole hold time', () => {
    const rising = observations([[10, 0], [10, 9], [10, 9], [10, 9], [10, 9], [10, 9]]);
    const trip = firstTrip(log([errorRate(0.5, 1000)], rising));
    // Over 1 s windows: 9/20 at 1.0 s (not above), 18/20 from 1.5 s on; held 1 s at 2.5 s.
    expect(trip).toMatchObject({ guard: 0, at: t0 + 2500, since: t0 + 1500, afterLoadStartMs: 2500, label: 'guards[0]: error rate above 50% for 1s' });
    expect(trip?.observed).toMatch(/error rate 90\.0% \(18 of 20 answers/);
    expect(firstTrip(log([errorRate(0.5, 3000)], rising))).toBeNull();
  });

  it('a window back under the threshold breaks the streak; a window with no answers does not', () => {
    const broken = observations([[10, 10], [10, 10], [10, 0], [10, 0], [10, 10], [10, 10]]);
    expect(firstTrip(log([errorRate(0.5, 1000, 500)], broken))).toBeNull();
    const gap = observations([[10, 10], [0, 0], [0, 0], [10, 10]]);
    expect(firstTrip(log([errorRate(0.5, 1500, 500)], gap))).toMatchObject({ at: t0 + 2000, since: t0 + 500 });
  });

  it('Redis stock below a value trips on the first sample below it; a missing sample judges nothing', () => {
    const obs = [...observations([[5, 0]], { redisStock: null }), ...observations([[5, 0], [5, 0]], { redisStock: -2 }).map((o, i) => ({ ...o, ts: t0 + 1000 + 500 * i }))];
    expect(firstTrip(log([{ kind: 'redis_stock_below', value: 0, for: 0 }], obs))).toMatchObject({ at: t0 + 1000, observed: 'Redis stock -2' });
    expect(firstTrip(log([{ kind: 'redis_stock_below', value: -2, for: 0 }], obs))).toBeNull();
  });

  it('streaks start again in each round', () => {
    const guards: GuardSpec[] = [{ kind: 'kafka_lag_above', value: 100, for: 1000 }];
    const obs: GuardObservation[] = [
      { ts: t0 + 500, round: 0, answers: 1, errors: 0, redisStock: 5, kafkaLag: 500 },
      { ts: t0 + 1000, round: 0, answers: 1, errors: 0, redisStock: 5, kafkaLag: 500 },
      { ts: t0 + 1500, round: 1, answers: 1, errors: 0, redisStock: 5, kafkaLag: 500 },
      { ts: t0 + 2000, round: 1, answers: 1, errors: 0, redisStock: 5, kafkaLag: 500 },
    ];
    expect(firstTrip({ guards, rounds: [{ round: 0, loadStartedAt: t0 }, { round: 1, loadStartedAt: t0 + 1200 }], observations: obs })).toBeNull();
    obs.push({ ts: t0 + 2500, round: 1, answers: 1, errors: 0, redisStock: 5, kafkaLag: 500 });
    expect(firstTrip({ guards, rounds: [{ round: 0, loadStartedAt: t0 }, { round: 1, loadStartedAt: t0 + 1200 }], observations: obs })).toMatchObject({ round: 1, afterLoadStartMs: 1300 });
  });

  it('the guards checker fails naming the guard and when it tripped, passes when none did, and is unknown without guards.json', () => {
    const tripped = guardsHeld({ ...clean(), guards: log([errorRate(0.25, 0)], observations([[4, 0], [4, 4]])) });
    expect(tripped.verdict).toBe('fail');
    expect(tripped.summary).toContain('guards[0]: error rate above 25% tripped at 1.0 s into the load');
    expect(tripped.summary).toContain(new Date(t0 + 1000).toISOString());
    expect(tripped.witnesses).toHaveLength(1);
    expect(guardsHeld({ ...clean(), guards: log([errorRate(0.25, 0)], observations([[4, 0], [4, 1]])) })).toMatchObject({ verdict: 'pass', counts: { evaluations: 2 } });
    expect(guardsHeld(clean())).toMatchObject({ verdict: 'unknown', summary: expect.stringMatching(/guards\.json is missing/) });
  });

  it('describes each kind', () => {
    expect(describeGuard({ kind: 'error_rate', above: 0.5, for: 5000, window: 2000 })).toBe('error rate above 50% for 5s (over 2s)');
    expect(describeGuard({ kind: 'redis_stock_below', value: 0, for: 0 })).toBe('Redis stock below 0');
    expect(describeGuard({ kind: 'kafka_lag_above', value: 1000, for: 500 })).toBe('Kafka lag above 1000 for 500ms');
  });
});

describe('guards in an experiment', () => {
  const valid = { name: 'tiny', description: 'a tiny sale', system: { products: [{ productId: 'p', stock: 10 }] }, load: { rate: 10, duration: '1s', users: 10 } };
  const refusal = (guards: unknown): string => {
    try {
      parseDefinition({ ...valid, guards }, 'bad.json');
    } catch (err) {
      expect(err).toBeInstanceOf(ExperimentError);
      return (err as Error).message;
    }
    throw new Error('expected a refusal');
  };

  it('resolves durations and defaults', () => {
    const d = parseDefinition({ ...valid, guards: [{ kind: 'error_rate', above: 0.5, for: '5s' }, { kind: 'redis_stock_below', value: 0 }] }, 'x.json');
    if (d.kind !== 'experiment') throw new Error('expected an experiment');
    expect(d.experiment.guards).toEqual([
      { kind: 'error_rate', above: 0.5, for: 5000, window: 1000 },
      { kind: 'redis_stock_below', value: 0, for: 0 },
    ]);
    const none = parseDefinition(valid, 'x.json');
    expect(none.kind === 'experiment' && none.experiment.guards).toEqual([]);
  });

  it('refuses a bad guard naming its field', () => {
    expect(refusal([{ kind: 'error_rate', above: 1.5 }])).toMatch(/guards\.0\.above: .*below 1/);
    expect(refusal([{ kind: 'redis_stock_below', value: 0 }, { kind: 'cpu_above', value: 1 }])).toMatch(/guards\.1(\.kind)?: kind must be error_rate, redis_stock_below or kafka_lag_above/);
    expect(refusal([{ kind: 'redis_stock_below' }])).toMatch(/guards\.0\.value/);
    expect(refusal([{ kind: 'error_rate', above: 0.5, window: '100ms' }])).toMatch(/guards\.0\.window: at least 500ms/);
    expect(refusal([{ kind: 'error_rate', above: 0.5, for: 'soon' }])).toMatch(/guards\.0\.for: a duration/);
    expect(refusal([{ kind: 'kafka_lag_above', value: 10, by: 2 }])).toMatch(/guards\.0: .*by/);
    expect(refusal({ kind: 'redis_stock_below', value: 0 })).toMatch(/guards: /);
  });
});
