import { escapeHtml } from './escapeHtml.ts';
import { formatFigure } from './formatFigure.ts';
import { htmlTable } from './htmlTable.ts';
import type { Run } from '@flux-gate/run-format';

/** The manifest (what ran, where, with which tools), the final state read after drain, and the process logs. */
export function manifestSection(run: Run): string {
  const m = run.manifest;
  const rows: [string, string][] = [
    ['run id', escapeHtml(m.runId)],
    ['experiment', escapeHtml(m.experiment)],
    ['description', escapeHtml(run.experiment?.description ?? '')],
    ['seed', escapeHtml(m.seed)],
    ['git', `<code>${escapeHtml(m.gitSha)}</code>${m.gitDirty ? ' (dirty)' : ''}`],
    ['started', formatFigure.time(m.startedAt)],
    ['finished', formatFigure.time(m.finishedAt)],
    ['command line', `<code>${escapeHtml((m.commandLine ?? []).join(' '))}</code>`],
    ['host', escapeHtml(m.host ? `${m.host.platform}, ${m.host.cpus} cpus, node ${m.host.node}` : '')],
    ...Object.entries(m.toolVersions ?? {}).map(([k, v]): [string, string] => [escapeHtml(k), `<code>${escapeHtml(v)}</code>`]),
  ];
  const fs = run.finalState;
  const final = fs
    ? `<h2>Final state</h2><p>Read ${formatFigure.time(fs.readAt)}; ${formatFigure.count(fs.kafkaMessages)} Kafka messages, lag ${formatFigure.count(fs.kafkaLag)}, ${fs.drained ? 'drained' : '<b>not drained</b>'}.</p>` +
      htmlTable(
        ['product', 'initial stock', 'Redis stock', 'DB stock', 'confirmed', 'rejected'],
        fs.products.slice(0, 50).map((p) => [
          escapeHtml(p.productId),
          ...[p.initialStock, p.redisStock, p.dbStock, p.dbConfirmed, p.dbRejected].map((v) => ({ html: v === null ? 'missing' : escapeHtml(v), num: true })),
        ]),
      ) +
      (fs.products.length > 50 ? `<p class="meta">First 50 of ${fs.products.length} products.</p>` : '')
    : '<h2>Final state</h2><p class="meta">No final-state.json: the state was not read after the run.</p>';
  const logs = run.logs.length
    ? `<ul>${run.logs.map((l) => `<li><a href="logs/${escapeHtml(encodeURIComponent(l))}">${escapeHtml(l)}</a></li>`).join('')}</ul>`
    : '<p class="meta">No logs/ folder.</p>';
  return `<h2>Manifest</h2>${htmlTable(['field', 'value'], rows)}${final}<h2>Logs</h2>${logs}`;
}
