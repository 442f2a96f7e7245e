import type { WindowSpec } from './ChartSpec.ts';
import { escapeHtml } from './escapeHtml.ts';
import type { FaultSpan, NodeLane, RoleSpan } from './nodeLanes.ts';

/** How a run-time role is written on a lane, and its colour; the first role a node holds in this order colours its bar. */
const roleLooks: [role: string, text: string, color: string][] = [
  ['kafka-leader', 'orders leader', '#0969da'],
  ['redis-primary', 'primary', '#1a7f37'],
  ['kafka-controller', 'controller', '#8250df'],
  ['kafka-follower', 'follower', '#b6c2cf'],
  ['redis-replica', 'replica', '#b6c2cf'],
];
const faultColors: Record<FaultSpan['tone'], string> = { minority: '#cf222e', majority: '#ff8182', bridge: '#bf8700', process: '#6e7781' };
const downColor = '#3d444d';
const toneWords: Record<FaultSpan['tone'], string> = {
  minority: 'partitioned: the smaller side (isolated)',
  majority: 'partitioned: the larger side',
  bridge: 'bridge (reaches both sides)',
  process: 'fault on the node (kill, pause, …)',
};

const width = 1150;
const labelWidth = 120;
const laneHeight = 38;
const bandHeight = 15;
const top = 56;
const charWidth = 6.3;

const rank = (role: string) => {
  const i = roleLooks.findIndex(([name]) => name === role);
  return i < 0 ? roleLooks.length : i;
};
const roleText = (roles: string[]) =>
  [...roles]
    .sort((a, b) => rank(a) - rank(b))
    .map((r) => roleLooks[rank(r)]?.[1] ?? r)
    .join(' + ');

/** A step of 1, 2 or 5 × 10^n seconds giving about eight ticks. */
function tickStep(span: number): number {
  const raw = span / 8;
  const pow = 10 ** Math.floor(Math.log10(raw || 1));
  return [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? 10 * pow;
}

/** A bar with its words inside when they fit, and the whole story as its tooltip. */
function bar(x: number, y: number, w: number, color: string, text: string, title: string, dark: boolean, extra = ''): string {
  const fits = text && text.length * charWidth + 6 <= w;
  return `<g><title>${escapeHtml(title)}</title><rect x="${x.toFixed(1)}" y="${y}" width="${Math.max(1.5, w).toFixed(1)}" height="${bandHeight}" rx="2" fill="${color}"${extra}/>${
    fits ? `<text x="${(x + 4).toFixed(1)}" y="${y + 11}" fill="${dark ? '#fff' : '#1b1f24'}">${escapeHtml(text)}</text>` : ''
  }</g>`;
}

function roleBar(s: RoleSpan, x: (t: number) => number, y: number, node: string): string {
  const range = `${s.from.toFixed(1)}–${s.to.toFixed(1)} s`;
  if (s.down) return bar(x(s.from), y, x(s.to) - x(s.from), downColor, 'down', `${node} did not answer, ${range}`, true);
  if (s.roles.length === 0) return `<g><title>${escapeHtml(`${node}: no run-time role, ${range}`)}</title><line x1="${x(s.from).toFixed(1)}" x2="${x(s.to).toFixed(1)}" y1="${y + bandHeight / 2}" y2="${y + bandHeight / 2}" stroke="#d0d7de" stroke-width="2"/></g>`;
  const look = roleLooks.find(([role]) => s.roles.includes(role));
  const color = look?.[2] ?? '#b6c2cf';
  return bar(x(s.from), y, x(s.to) - x(s.from), color, roleText(s.roles), `${node}: ${roleText(s.roles)}, ${range}`, color !== '#b6c2cf');
}

function faultText(f: FaultSpan, node: string): string {
  switch (f.tone) {
    case 'minority': {
      const with_ = f.side.filter((n) => n !== node);
      return with_.length ? `with ${with_.join(', ')}, cut from ${f.cutFrom.length}` : `isolated from ${f.cutFrom.length} node(s)`;
    }
    case 'majority':
      return `cut from ${f.cutFrom.join(', ')}`;
    case 'bridge':
      return 'bridge (reaches both sides)';
    case 'process':
      return f.kind;
  }
}

function faultBar(f: FaultSpan, x: (t: number) => number, y: number, node: string): string {
  const title = `${node}: ${f.label}${f.cutFrom.length ? `; cut from ${f.cutFrom.join(', ')}` : ''}, ${f.from.toFixed(1)}–${f.open ? 'never healed' : `${f.to.toFixed(1)} s`}`;
  return bar(x(f.from), y, x(f.to) - x(f.from), faultColors[f.tone], faultText(f, node), title, f.tone !== 'majority');
}

/**
 * The node timeline as inline SVG: a lane per node, its run-time roles above (orders leader, active
 * controller, Redis primary; grey for a follower or replica, dark for down) and the faults it lived
 * below (the side of a partition it was on and whom it was cut from, or a fault on its process), with
 * the fault windows shaded across every lane as on the charts. Seconds since the run started.
 */
export function timelineSection(allLanes: NodeLane[], windows: WindowSpec[], [fromS, toS]: [number, number]): string {
  const lanes = allLanes.filter((l) => l.roles.length || l.faults.length);
  const quiet = allLanes.filter((l) => !lanes.includes(l)).map((l) => l.node);
  if (allLanes.length === 0) return '';
  if (lanes.length === 0) return `<h2>Nodes</h2><p class="meta">No role changes (roles.ndjson) and no fault on a node were recorded for ${escapeHtml(allLanes.map((l) => l.node).join(', '))}.</p>`;
  const height = top + lanes.length * laneHeight + 30;
  const span = Math.max(toS - fromS, 1);
  const x = (t: number) => labelWidth + (Math.min(Math.max(t - fromS, 0), span) / span) * (width - labelWidth - 10);
  const step = tickStep(span);
  const ticks: string[] = [];
  for (let t = Math.ceil(fromS / step) * step; t <= fromS + span + 1e-9; t += step) {
    ticks.push(
      `<line x1="${x(t).toFixed(1)}" x2="${x(t).toFixed(1)}" y1="${top - 4}" y2="${height - 26}" stroke="#eaeef2"/><text x="${x(t).toFixed(1)}" y="${height - 12}" text-anchor="middle" fill="#57606a">${Number(t.toFixed(3))}</text>`,
    );
  }
  const shading = windows
    .map((w, i) => {
      const left = x(w.from);
      const right = w.to === null ? x(fromS + span) : x(w.to);
      const label = w.label + (w.to === null ? ' (not healed)' : '');
      // A label that would run past the right edge ends at its window's line instead.
      const anchor = left + 3 + label.length * charWidth > width ? `x="${(left - 3).toFixed(1)}" text-anchor="end"` : `x="${(left + 3).toFixed(1)}"`;
      return `<g><title>${escapeHtml(`${w.label}: ${w.from.toFixed(1)}–${w.to === null ? 'never healed' : `${w.to.toFixed(1)} s`}`)}</title><rect x="${left.toFixed(1)}" y="${top - 4}" width="${Math.max(2, right - left).toFixed(1)}" height="${height - top - 22}" fill="${w.color}" fill-opacity="0.08"/><line x1="${left.toFixed(1)}" x2="${left.toFixed(1)}" y1="${4 + (i % 4) * 12}" y2="${height - 26}" stroke="${w.color}" stroke-opacity="0.7"/><text ${anchor} y="${13 + (i % 4) * 12}" fill="${w.color}">${escapeHtml(label)}</text></g>`;
    })
    .join('');
  const rows = lanes
    .map((lane, i) => {
      const y = top + i * laneHeight;
      const newPart = i > 0 && lane.part !== lanes[i - 1]!.part;
      return `<g>${newPart ? `<line x1="0" x2="${width}" y1="${y - 1}" y2="${y - 1}" stroke="#d0d7de"/>` : ''}<text x="4" y="${y + 16}" font-weight="600" fill="#1b1f24">${escapeHtml(lane.node)}</text>${
        lane.part ? `<text x="4" y="${y + 30}" fill="#57606a">${escapeHtml(lane.part)}</text>` : ''
      }${lane.roles.map((s) => roleBar(s, x, y + 3, lane.node)).join('')}${lane.faults.map((f) => faultBar(f, x, y + 3 + bandHeight + 2, lane.node)).join('')}</g>`;
    })
    .join('');
  const roleColors = new Set(lanes.flatMap((l) => l.roles.flatMap((r) => (r.down ? [downColor] : r.roles.map((role) => roleLooks[rank(role)]?.[2])))));
  const tones = new Set(lanes.flatMap((l) => l.faults.map((f) => f.tone)));
  const legend = [
    ...roleLooks.filter(([, , c], i, all) => all.findIndex(([, , d]) => d === c) === i && roleColors.has(c)).map(([role, text, color]) => [color, role === 'kafka-follower' ? 'follower / replica' : text]),
    ...(roleColors.has(downColor) ? [[downColor, 'did not answer']] : []),
    ...(['minority', 'majority', 'bridge', 'process'] as const).filter((t) => tones.has(t)).map((t) => [faultColors[t], toneWords[t]]),
  ]
    .map(([color, text]) => `<span class="key"><i style="background:${color}"></i>${escapeHtml(text!)}</span>`)
    .join(' ');
  return `<h2>Nodes</h2>
<p class="meta">Each node's run-time roles (upper bar, from roles.ndjson) and the faults it lived (lower bar: the side of a partition it was on and whom it was cut from, or a fault on its process); fault windows shaded. Hover a bar for the whole story. Seconds since start.</p>
<svg class="timeline" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="Node timeline" font-family="system-ui, sans-serif" font-size="11">${shading}${ticks.join('')}${rows}</svg>
<p class="legend">${legend}${quiet.length ? `<br>No role and no fault: ${escapeHtml(quiet.join(', '))}.` : ''}</p>`;
}
