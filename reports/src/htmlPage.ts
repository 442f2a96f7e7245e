import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ChartSpec } from './ChartSpec.ts';
import { escapeHtml } from './escapeHtml.ts';
import { jsonForScript } from './jsonForScript.ts';

const style = `
body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1200px;padding:16px 24px;color:#1b1f24}
h1{font-size:22px;margin:8px 0}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
table{border-collapse:collapse;margin:6px 0}td,th{border:1px solid #d0d7de;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f3f5f7}td.num{text-align:right;font-variant-numeric:tabular-nums}
.verdict{display:inline-block;font-size:26px;font-weight:700;padding:6px 18px;border-radius:6px;color:#fff;letter-spacing:1px}
.pass{background:#1a7f37}.fail{background:#cf222e}.unknown{background:#9a6700}
span.pass,span.fail,span.unknown{color:#fff;padding:1px 7px;border-radius:4px;font-weight:600}
.regression{background:#ffebe9}.improvement{background:#dafbe1}td.failing{background:#ffebe9;color:#cf222e;font-weight:600}
.meta{color:#57606a}.chart{position:relative;height:300px;margin:12px 0}
.problems{background:#fff8c5;border:1px solid #d4a72c;padding:6px 12px;border-radius:6px}
code{font-size:12px}details{margin:2px 0}
svg.timeline{display:block;margin:8px 0}.legend{font-size:12px;color:#57606a}.key{margin-right:12px;white-space:nowrap}
.key i{display:inline-block;width:12px;height:10px;margin-right:4px;border-radius:2px;vertical-align:-1px}`;

let chartJs: string | undefined;

/** Chart.js's UMD build (next to the package's CommonJS entry; not in its exports), read once, source-map comment removed. */
function chartJsSource(): string {
  chartJs ??= readFileSync(join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.js'), 'utf8')
    .replace(/\/\/# sourceMappingURL=\S*\s*$/, '')
    .replace(/<\/script/gi, '<\\/script');
  return chartJs;
}

const chartsJs = readFileSync(new URL('./browser/charts.js', import.meta.url), 'utf8');

/**
 * A whole self-contained HTML page: the body (already escaped HTML) plus, when there are charts,
 * Chart.js and the chart data inlined. A Content-Security-Policy forbids every network fetch.
 */
export function htmlPage(title: string, body: string, charts: ChartSpec[] = []): string {
  const scripts = charts.length
    ? `<script>${chartJsSource()}</script>\n<script type="application/json" id="chart-data">${jsonForScript(charts)}</script>\n<script>${chartsJs}</script>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${style}</style></head>
<body>
${body}
${scripts}
</body></html>
`;
}
