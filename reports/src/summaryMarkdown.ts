import type { Verdict } from '@flux-gate/run-format';
import type { CiRun } from './CiRun.ts';
import { formatFigure as f } from './formatFigure.ts';
import { timingTable } from './timingSection.ts';
import { windowSpan } from './windowsSection.ts';
import { witnessText } from './witnessText.ts';

const mark: Record<Verdict, string> = { pass: '✅ PASS', fail: '❌ FAIL', unknown: '⚠️ UNKNOWN' };

/** Text safe inside a Markdown table cell: no HTML, no column break, one line. */
const cell = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');

const table = (rows: string[][]) => [rows[0]!, rows[0]!.map(() => '---'), ...rows.slice(1)].map((r) => `| ${r.join(' | ')} |`).join('\n');

/** summary.md: the verdict, the key figures, every check, and the witnesses of each failed one. */
export function summaryMarkdown(run: CiRun): string {
  const { results: r, manifest: m } = run;
  const fig = r.figures;
  const figures: [string, string][] = [
    ['requests', f.count(fig.requests)],
    ['req/s', f.rate(fig.reqPerSec)],
    ['accepted', f.count(fig.accepted)],
    ['sold', f.count(fig.sold)],
    ['unknown', f.count(fig.unknown)],
    ['dropped', f.count(fig.dropped ?? 0)],
    ['error rate', f.percent(fig.errorRate)],
    ['p50', f.ms(fig.p50Ms)],
    ['p99', f.ms(fig.p99Ms)],
    ...(fig.timing
      ? ([
          ['engine lag p99', f.ms(fig.timing.whole.engineLagP99Ms)],
          ['answer time p99', f.ms(fig.timing.whole.answerP99Ms)],
        ] as [string, string][])
      : []),
    ['drain', f.seconds(fig.drainSeconds)],
    ...(fig.recordsAcked === undefined ? [] : ([['records acked', f.count(fig.recordsAcked)]] as [string, string][])),
  ];
  const failed = r.checks.filter((c) => c.verdict === 'fail' && c.witnesses.length);
  return [
    `## ${mark[r.verdict]}: ${cell(run.name)}`,
    '',
    ...(run.description ? [cell(run.description), ''] : []),
    ...(r.error ? [`**Error:** ${cell(r.error)}`, ''] : []),
    table([figures.map(([k]) => k), figures.map(([, v]) => v)]),
    '',
    ...(fig.timing ? ['**Where the time went** (latency from due = engine lag + answer time):', '', table(((t) => [t.header, ...t.rows])(timingTable(fig.timing))), ''] : []),
    ...(r.windows?.length
      ? [
          table([
            ['window', 'seconds', 'arrivals', 'accepted', 'refused', 'open', 'dropped', 'broken promises'],
            ...r.windows.map((w) => [
              w.kind === 'fault' ? cell(w.label) : `_${w.label}_`,
              windowSpan(w, m.startedAt),
              ...[w.arrivals, w.accepted, w.refused, w.open, w.dropped].map((v) => f.count(v)),
              (w.brokenPromises ?? 0) > 0 ? `**${f.count(w.brokenPromises)}**` : f.count(w.brokenPromises),
            ]),
          ]),
          '',
        ]
      : []),
    r.checks.length ? table([['check', 'verdict', 'summary'], ...r.checks.map((c) => [`\`${c.name}\``, mark[c.verdict], cell(c.summary)])]) : '_No check ran: the run ended before its checks._',
    '',
    ...failed.flatMap((c) => [`**${c.name}** witnesses:`, '', ...c.witnesses.map((w) => `- ${cell(witnessText(w))}`), '']),
    `seed ${m.seed} · git ${m.gitSha.slice(0, 12)}${m.gitDirty ? ' (dirty)' : ''} · started ${f.time(m.startedAt)} · run folder \`${run.dir}\``,
    '',
  ].join('\n');
}
