import type { ScrapedHistogram, ScrapedValue } from '@flux-gate/run-format';

/** One sample line of Prometheus's text format: `name{label="value",…} value [timestamp]`. */
interface SampleLine {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const sampleLine = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\S+)?$/;
const labelPair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/g;
const unescape = (v: string) => v.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));

function parseLine(line: string): SampleLine | undefined {
  const m = sampleLine.exec(line);
  if (!m) return undefined;
  const labels: Record<string, string> = {};
  for (const [, key, value] of (m[2] ?? '').matchAll(labelPair)) labels[key!] = unescape(value!);
  return { name: m[1]!, labels, value: Number(m[3]) };
}

/**
 * The histograms and the plain series of a scrape in Prometheus's text exposition format (version
 * 0.0.4), keeping only the families `keep` accepts. Histogram series are grouped by their labels
 * other than `le`, with buckets sorted by upper bound.
 */
export function parsePrometheusText(text: string, keep: (family: string) => boolean): { histograms: ScrapedHistogram[]; values: ScrapedValue[] } {
  const histogramFamilies = new Set<string>();
  const histograms = new Map<string, ScrapedHistogram>();
  const values: ScrapedValue[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('# TYPE ')) {
      const [, , family, type] = line.split(' ');
      if (type === 'histogram' && family) histogramFamilies.add(family);
      continue;
    }
    if (line === '' || line.startsWith('#')) continue;
    const s = parseLine(line);
    if (!s) continue;
    const suffix = /_(bucket|sum|count)$/.exec(s.name);
    const family = suffix ? s.name.slice(0, -suffix[0].length) : s.name;
    if (suffix && histogramFamilies.has(family)) {
      if (!keep(family)) continue;
      const { le, ...labels } = s.labels;
      const id = `${family}${JSON.stringify(labels)}`;
      let h = histograms.get(id);
      if (!h) histograms.set(id, (h = { name: family, labels, buckets: [], count: 0, sum: 0 }));
      if (suffix[1] === 'bucket') h.buckets.push([le === '+Inf' ? Infinity : Number(le), s.value]);
      else if (suffix[1] === 'sum') h.sum = s.value;
      else h.count = s.value;
    } else if (keep(s.name)) values.push(s);
  }
  for (const h of histograms.values()) h.buckets.sort((a, b) => a[0] - b[0]);
  return { histograms: [...histograms.values()], values };
}
