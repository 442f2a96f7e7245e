import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import type { CpuUse } from '../bench/cpuUse.ts';
import type { DrainResult } from '../bench/drainRate.ts';
import type { EngineRun } from '../bench/enginePhase.ts';
import type { OpeningResult } from '../bench/openingPhase.ts';
import type { ProcessesRun } from '../bench/processesPhase.ts';
import type { LoadResult } from '../bench/wrkLoad.ts';
import { benchPhases, type BenchPhase, runBench } from '../bench/runBench.ts';
import { maxLoadProcesses } from '../load/builtinEngine.ts';
import { providerOf, stackOption } from './stackOption.ts';
import { table } from './table.ts';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const rates = (value: string): number[] => {
  const list = value.split(',').map(Number);
  if (list.some((n) => !Number.isInteger(n) || n <= 0 || n > 50_000)) throw new InvalidArgumentError(`--engine-rates must be whole numbers from 1 to 50000, comma-separated, got '${value}'`);
  return list;
};
const counts = (value: string): number[] => {
  const list = value.split(',').map(Number);
  if (list.some((n) => !Number.isInteger(n) || n < 1 || n > maxLoadProcesses)) throw new InvalidArgumentError(`--process-counts must be whole numbers from 1 to ${maxLoadProcesses}, comma-separated, got '${value}'`);
  return list;
};
const phaseList = (value: string): BenchPhase[] => {
  const list = value.split(',').map((p) => p.trim());
  const bad = list.filter((p) => !(benchPhases as readonly string[]).includes(p));
  if (bad.length || list.length === 0) throw new InvalidArgumentError(`--phases takes letters of ${benchPhases.join(',')}, comma-separated, got '${value}'`);
  return list as BenchPhase[];
};
const whole = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive whole number, got '${value}'`);
  return n;
};

const program = new Command('bench')
  .description(
    'Benchmark the system on this machine and print figures (not a test): the bare Fastify+ioredis ceiling, the API on the sold-out\n' +
      'and accepted paths, latency at a fixed rate (5,000 req/s by default), the worker drain rate, with ratios against the ceiling, and the\n' +
      'opening seconds of a sale against its rest (g), and the built-in engine in 1, 2 and 4 processes at one rate (i). Writes runs/bench/<time>.json.\n' +
      'The first run builds oha, the fixed-rate generator, with cargo (a few minutes, once; `npm run setup -- --bench` does it ahead).',
  )
  .option('--duration <s>', 'seconds per load phase', whole('--duration'), 8)
  .option('--connections <n>', 'keep-alive connections of the full-speed phases (a)-(c); (e) opens its own (at least 64)', whole('--connections'), 256)
  .option('--rate <n>', 'requests per second of the fixed-rate latency phase (e), and arrivals per second of the opening phase (g)', whole('--rate'), 5000)
  .option('--drain-orders <n>', 'orders in the Kafka backlog for the drain phase', whole('--drain-orders'), 100_000)
  .option('--engine-rates <list>', 'fixed rates of the engine phase (f), comma-separated', rates, [2000, 5000, 10_000])
  .option('--processes-rate <n>', 'requests per second of the engine-processes phase (i), against nginx answering the sold-out 409 itself', whole('--processes-rate'), 30_000)
  .option('--process-counts <list>', 'the built-in engine\'s process counts in phase (i), comma-separated; 1 is the baseline of its ratios', counts, [1, 2, 4])
  .option('--phases <list>', `the phases to run, comma-separated letters of ${benchPhases.join(',')} (all by default; only (e) and (f) need oha)`, phaseList)
  .addOption(stackOption())
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 3))
  .action(async (opts: { duration: number; connections: number; rate: number; drainOrders: number; engineRates: number[]; processesRate: number; processCounts: number[]; phases?: BenchPhase[]; stack: string }) => {
    const r = await runBench({
      durationS: opts.duration,
      connections: opts.connections,
      pacedRate: opts.rate,
      drainOrders: opts.drainOrders,
      engineRates: opts.engineRates,
      processesRate: opts.processesRate,
      processCounts: opts.processCounts,
      phases: opts.phases,
      log: (l) => process.stderr.write(`${l}\n`),
      stack: providerOf(opts.stack),
    });
    const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
    const ms = (n: number) => `${n.toFixed(1)} ms`;
    const ratio = (n: number | undefined) => (n === undefined ? '—' : `${n.toFixed(2)}×`);
    const row = (name: string, l: LoadResult | undefined, figure: (l: LoadResult) => number, vs: string) => (l ? [[name, fmt(figure(l)), ms(l.p50Ms), ms(l.p99Ms), vs]] : []);
    const drainRow = (name: string, d: DrainResult | undefined) => (d ? [[name, fmt(d.ordersPerSec), '—', '—', `${fmt(d.orders)} in ${d.seconds.toFixed(2)} s from spawn`]] : []);
    const statuses = [r.soldOut && `(b) ${JSON.stringify(r.soldOut.statuses)}`, r.accepted && `(c) ${JSON.stringify(r.accepted.statuses)}`, r.paced && `(e) ${JSON.stringify(r.paced.statuses)}, ${r.paced.errors} unanswered`]
      .filter(Boolean)
      .join(' ');
    const rows = [
      ...row('(a) bare Fastify+ioredis, gate script (req/s)', r.baseline, (l) => l.reqPerSec, '1.00×'),
      ...row('(b) API, sold-out path (req/s)', r.soldOut, (l) => l.reqPerSec, ratio(r.ratios.soldOutVsBaseline)),
      ...row('(c) API, accepted path (accepted orders/s)', r.accepted, (l) => l.okPerSec, ratio(r.ratios.acceptedVsBaseline)),
      ...row(`(e) API, accepted path at ${fmt(r.pacedRate)} req/s (req/s)`, r.paced, (l) => l.reqPerSec, '—'),
      ...drainRow('(d) worker drain of a Kafka backlog (orders/s)', r.drain),
    ];
    process.stdout.write(
      (rows.length
        ? `\n${table([['phase', 'per second', 'p50', 'p99', 'vs (a)'], ...rows])}\n\n${opts.connections} connections, ${opts.duration} s per phase (for (e), after ${r.pacedWarmupS} s at its rate, left out), wrk (a–c) and oha (e) on loopback; statuses: ${statuses}\n`
        : '') +
        (r.paced ? `(e) p99 of each measured second: ${r.paced.perSecondP99Ms.map((p) => p.toFixed(1)).join(' ')} ms\n` + pacedCpuLine(r.paced.cpu) : '') +
        (r.engines ? `\n${engineTable(r.engines)}\n` : '') +
        (r.opening ? `\n${openingTable(r.opening)}\n` : '') +
        (r.processes ? `\n${processesTable(r.processes)}\n` : '') +
        (r.durability
          ? `\n${table([
              ['(h) Redis durability', 'takes/s', 'p50', 'p99', 'unreplicated', 'vs take alone'],
              ...[r.durability.plain, r.durability.waited].map((d, i) => [d.label, fmt(d.takesPerSec), ms(d.p50Ms), ms(d.p99Ms), String(d.unreplicated), i === 0 ? '1.00×' : ratio(r.durability!.ratio)]),
            ])}\n`
          : ''),
    );
    const dir = join(repo, 'runs', 'bench');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${r.at.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify(r, null, 2)}\n`);
    process.stdout.write(`results: ${file}\n`);
  });

/** (f): each rate's two generators side by side, with the built-in engine's ratios to oha. */
function engineTable(runs: EngineRun[]): string {
  const rows = [['(f) sold-out path', 'generator', 'achieved/offered', 'dropped', 'unanswered', 'p50', 'p99', 'CPU per 1,000', 'p99 vs oha', 'CPU vs oha']];
  for (const rate of [...new Set(runs.map((r) => r.rate))]) {
    const oha = runs.find((r) => r.rate === rate && r.generator === 'oha');
    for (const r of runs.filter((x) => x.rate === rate)) {
      rows.push([
        `${rate.toLocaleString('en-US')} req/s`,
        r.generator,
        `${((r.achievedPerSec / rate) * 100).toFixed(1)}%`,
        String(r.dropped),
        String(r.unanswered),
        `${r.p50Ms.toFixed(2)} ms`,
        `${r.p99Ms.toFixed(2)} ms`,
        `${r.cpuMsPer1000.toFixed(1)} ms`,
        r.generator === 'builtin' && oha ? `${(r.p99Ms / oha.p99Ms).toFixed(2)}×` : '—',
        r.generator === 'builtin' && oha ? `${(r.cpuMsPer1000 / oha.cpuMsPer1000).toFixed(2)}×` : '—',
      ]);
    }
  }
  return table(rows);
}

/** (i): the engine in each process count, with its ratios to one process. */
function processesTable(runs: ProcessesRun[]): string {
  const x = (v: number) => (Number.isNaN(v) ? '—' : `${v.toFixed(2)}×`);
  const rows = [['(i) engine processes', 'kept/offered', 'dropped', 'p50', 'p99', 'lag p99', 'CPU per 1,000', 'engine cores', 'nginx cores', 'machine', 'kept vs 1', 'CPU/req vs 1']];
  for (const r of runs) {
    rows.push([
      `${r.processes} at ${r.rate.toLocaleString('en-US')} req/s`,
      `${((r.achievedPerSec / r.rate) * 100).toFixed(1)}%`,
      String(r.dropped),
      `${r.p50Ms.toFixed(2)} ms`,
      `${r.p99Ms.toFixed(2)} ms`,
      `${r.lagP99Ms.toFixed(2)} ms`,
      `${r.cpuMsPer1000.toFixed(1)} ms`,
      r.cores.toFixed(2),
      r.targetCores.toFixed(2),
      `${r.machineBusyCores.toFixed(2)} of ${r.machineCores}`,
      x(r.vsOne.achieved),
      x(r.vsOne.cpuPerRequest),
    ]);
  }
  return table(rows);
}

/** (g): the opening seconds of a sale against the rest, and the part of each that was the engine's. */
function openingTable(o: OpeningResult): string {
  const ms = (v: number | null) => (v === null ? '—' : `${v.toFixed(1)} ms`);
  const row = (label: string, t: OpeningResult['opening']) => [label, t.sent.toLocaleString('en-US'), ms(t.fromDueP99Ms), ms(t.engineLagP99Ms), ms(t.answerP99Ms)];
  return (
    `${table([
      [`(g) sale opening at ${o.rate.toLocaleString('en-US')}/s, ${o.stock} units, after ${o.presaleS} s of browsing`, 'sent', 'p99 from due', 'engine lag p99', 'answer p99'],
      row(`first ${o.openingS} s`, o.opening),
      row(`next ${o.restS} s`, o.rest),
    ])}\n` + `(g) opening p99 vs the rest: ${o.p99Ratio === null ? '—' : `${o.p99Ratio.toFixed(2)}×`}; ${o.dropped} arrival(s) dropped`
  );
}

/** Where (e)'s CPU went, so that a tail can be read against the machine's load. */
function pacedCpuLine(cpu: CpuUse | undefined): string {
  if (!cpu) return '';
  const cores = Object.entries(cpu.cores)
    .map(([name, n]) => `${name === 'generator' ? 'oha' : name} ${n.toFixed(2)}`)
    .join(', ');
  const wait = cpu.mainThreadRunQueueWait.api;
  return (
    `(e) CPU in cores, over its ${cpu.seconds.toFixed(0)} s: ${cores}; the machine ${cpu.machineBusyCores.toFixed(2)} of ${cpu.machineCores}` +
    `${wait === undefined ? '' : `; the API's main thread waited for a CPU ${(wait * 100).toFixed(0)}% of the time`}\n`
  );
}

program.parseAsync().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
