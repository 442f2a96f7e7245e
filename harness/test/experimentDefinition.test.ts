import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { experimentsDir, listExperiments, loadDefinition, parseDefinition, scaleExperiment } from '../src/experiment/loadExperiment.ts';
import { refusal } from './support/definitions.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const valid = {
  name: 'tiny',
  description: 'a tiny sale',
  system: { products: [{ productId: 'p', stock: 10 }] },
  load: { rate: 10, duration: '1s', users: 10 },
};


describe('experiment definitions', () => {
  it('every experiment in the catalogue is valid', () => {
    const names = listExperiments().map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining(['smoke', 'flash-sale', 'last-item', 'worker-kill', 'redis-latency', 'kafka-partition', 'postgres-outage', 'postgres-kill', 'redis-restart', 'api-kill', 'canary', 'replicated-smoke', 'cluster-smoke', 'cluster-failover', 'cluster-slot-move']));
    for (const name of names) expect(() => loadDefinition(name)).not.toThrow();
  });

  it('resolves durations to milliseconds and fills defaults', () => {
    const d = parseDefinition({ ...valid, faults: [{ when: { at: '2s' }, for: '500ms', fault: { kind: 'kill', process: 'worker' } }] }, 'x.json');
    if (d.kind !== 'experiment') throw new Error('expected an experiment');
    expect(d.experiment.load.duration).toBe(1000);
    expect(Array.isArray(d.experiment.faults) && d.experiment.faults[0]!.for).toBe(500);
    expect(d.experiment.system.apiInstances).toBe(1);
    expect(d.experiment.load.engine).toBe('builtin');
    expect(d.experiment.load.maxInFlight).toBe(2000);
    expect(d.experiment.load.backoff).toEqual({ base: 200, max: 2000 });
  });

  it('takes a topology: single by default with one API instance, replicated with two unless the experiment says', () => {
    const shape = (raw: object) => {
      const d = parseDefinition({ ...valid, ...raw }, 'x.json');
      if (d.kind !== 'experiment') throw new Error('expected an experiment');
      return [d.experiment.topology, d.experiment.system.apiInstances];
    };
    expect(shape({})).toEqual(['single', 1]);
    expect(shape({ topology: 'replicated' })).toEqual(['replicated', 2]);
    expect(shape({ topology: 'replicated', system: { ...valid.system, apiInstances: 3 } })).toEqual(['replicated', 3]);
    expect(refusal({ ...valid, topology: 'sharded' })).toMatch(/topology: .*"single".*"replicated"/);
    const cut = (link: string) => ({ when: { at: '1s' }, for: '1s', fault: { kind: 'timeout', link } });
    expect(refusal({ ...valid, topology: 'replicated', faults: [cut('worker-postgres'), cut('api-kafka')] })).toMatch(/faults\.1\.fault\.link: the replicated topology proxies only worker-postgres/);
    expect(shape({ topology: 'replicated', faults: [cut('worker-postgres')] })).toEqual(['replicated', 2]);
    expect(refusal({ ...valid, topology: 'replicated', faults: { random: { kinds: ['kill', 'down'], count: 1, within: '1s', for: ['1s', '2s'] } } })).toMatch(
      /faults\.random\.kinds\.1: "down" is not drawn on the replicated topology/,
    );
  });

  it('takes the cluster topology with two API instances by default, and its faults only there', () => {
    const parsed = parseDefinition({ ...valid, topology: 'cluster', system: { ...valid.system, workers: 3 } }, 'x.json');
    if (parsed.kind !== 'experiment') throw new Error('expected an experiment');
    expect([parsed.experiment.topology, parsed.experiment.system.apiInstances, parsed.experiment.system.workers]).toEqual(['cluster', 2, 3]);
    const move = { when: { at: '1s' }, for: '1s', fault: { kind: 'slot-move', product: 'p-1' } };
    expect(parseDefinition({ ...valid, topology: 'cluster', faults: [move] }, 'x.json').kind).toBe('experiment');
    expect(refusal({ ...valid, topology: 'replicated', faults: [move] })).toMatch(/faults\.0\.fault\.kind: "slot-move" acts inside a Redis Cluster: it needs "topology": "cluster"/);
    expect(refusal({ ...valid, topology: 'cluster', faults: [{ ...move, fault: { kind: 'timeout', link: 'api-redis' } }] })).toMatch(/the cluster topology proxies only worker-postgres/);
    expect(refusal({ ...valid, topology: 'cluster', faults: { random: { kinds: ['kill'], count: 1, within: '1s', for: ['1s', '2s'] } } })).toMatch(/random faults are not drawn on the cluster topology/);
  });

  it('a resolved experiment, as a run stores it, loads again as it is', () => {
    for (const { name } of listExperiments()) {
      const d = loadDefinition(name);
      const experiments = d.kind === 'canary' ? d.canary.cases.map((c) => c.experiment) : [d.experiment];
      for (const e of experiments) {
        const again = parseDefinition(JSON.parse(JSON.stringify(e)), `${name}.json`);
        expect(again).toEqual({ kind: 'experiment', experiment: e });
      }
    }
  });

  it('names the bad field', () => {
    expect(refusal({ ...valid, load: { ...valid.load, rate: -5 } })).toContain('load.rate');
    expect(refusal({ ...valid, load: { ...valid.load, duration: 'ten seconds' } })).toMatch(/load\.duration: a duration like/);
    expect(refusal({ ...valid, surprise: 1 })).toContain('surprise');
    expect(refusal({ ...valid, faults: [{ when: { at: '1s' }, for: '1s', fault: { kind: 'meteor' } }] })).toContain('faults.0.fault');
    expect(refusal({ ...valid, faults: [{ when: { at: '1s' }, for: '1s', fault: { kind: 'latency', link: 'api-redis' } }] })).toContain('faults.0.fault.latencyMs');
  });

  it('load.processes: 1 to 16, on the built-in engine, each with a share of the in-flight cap', () => {
    expect(refusal({ ...valid, load: { ...valid.load, processes: 0 } })).toContain('load.processes');
    expect(refusal({ ...valid, load: { ...valid.load, processes: 17 } })).toContain('load.processes');
    expect(refusal({ ...valid, load: { ...valid.load, processes: 2.5 } })).toContain('load.processes');
    expect(refusal({ ...valid, load: { ...valid.load, processes: 2, engine: 'k6' } })).toMatch(/load\.processes: 2 processes need the built-in engine/);
    expect(refusal({ ...valid, load: { ...valid.load, processes: 2, workload: 'kafka', poisonEvery: 50 } })).toMatch(/load\.processes: 2 processes cannot produce poison records/);
    expect(refusal({ ...valid, load: { ...valid.load, processes: 4, maxInFlight: 3 } })).toMatch(/load\.processes: 4 processes share maxInFlight 3/);
  });

  it('refuses a file written for the k6-only schema, naming the field that replaces each old one', () => {
    expect(refusal({ ...valid, load: { ...valid.load, script: 'flash-sale.js' } })).toMatch(/load\.script: removed.*load\.engine/);
    expect(refusal({ ...valid, load: { ...valid.load, maxVUs: 400 } })).toMatch(/load\.maxVUs: removed: use load\.maxInFlight/);
    expect(refusal({ name: 'c', description: 'c', cases: [{ bug: 'non-atomic-stock', caughtBy: 'no_oversell', experiment: { ...valid, load: { ...valid.load, maxVUs: 1 } } }] })).toContain(
      'cases.0.experiment.load.maxVUs',
    );
  });

  it('lists the known names for an unknown one', () => {
    expect(() => loadDefinition('no-such-thing')).toThrow(/unknown experiment 'no-such-thing'\. Known: .*smoke/);
  });

  it('scales load and stock', () => {
    const d = loadDefinition('smoke');
    if (d.kind !== 'experiment') throw new Error('expected an experiment');
    const scaled = scaleExperiment(d.experiment, 3);
    expect(scaled.load.rate).toBe(d.experiment.load.rate * 3);
    expect(scaled.system.products?.[0]!.stock).toBe(d.experiment.system.products![0]!.stock * 3);
  });
});

describe('npm run experiment, before anything starts', () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'harness/src/cli/experiment.ts', ...args], { cwd: repo, encoding: 'utf8' });

  it('--list shows every experiment with its description', () => {
    const out = cli('--list');
    expect(out.status).toBe(0);
    for (const e of listExperiments(experimentsDir)) expect(out.stdout).toContain(e.name);
  });

  it('refuses a bad experiment file with exit code 3, naming the field, and starts nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flux-bad-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ ...valid, load: { ...valid.load, users: 0 } }));
    const runs = join(dir, 'runs');
    const out = cli(file, '--runs-dir', runs);
    expect(out.status).toBe(3);
    expect(out.stderr).toContain('load.users');
    expect(readdirSync(dir)).toEqual(['bad.json']);
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses an unknown name and a bad option with exit code 3', () => {
    const unknown = cli('nope');
    expect(unknown.status).toBe(3);
    expect(unknown.stderr).toContain('Known:');
    const badScale = cli('smoke', '--scale', 'huge');
    expect(badScale.status).toBe(3);
    expect(badScale.stderr).toContain('--scale');
    const badCpus = cli('smoke', '--engine-cpus', 'first');
    expect(badCpus.status).toBe(3);
    expect(badCpus.stderr).toContain("--engine-cpus must be a CPU list as taskset -c takes it (e.g. 0 or 0,2-3), got 'first'");
  });
});
