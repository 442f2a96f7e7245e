import client from '@prometheus-io/client';
import { describe, expect, it } from 'vitest';
import { parsePrometheusText } from '../src/probes/parsePrometheusText.ts';

describe('parsePrometheusText', () => {
  it("reads back the histograms and counters Prometheus's own client writes, keeping only the families asked for", async () => {
    const registry = new client.Registry();
    const h = new client.Histogram({ name: 'http_request_duration_seconds', help: 'h', labelNames: ['route', 'status_code'], buckets: [0.001, 0.01], registers: [registry] });
    const c = new client.Counter({ name: 'fluxgate_take_answers_total', help: 'c', labelNames: ['answer'], registers: [registry] });
    new client.Gauge({ name: 'dropped_gauge', help: 'g', registers: [registry] }).set(3);
    h.observe({ route: '/order', status_code: '200' }, 0.0005);
    h.observe({ route: '/order', status_code: '200' }, 0.005);
    h.observe({ route: '/order', status_code: '200' }, 0.5);
    h.observe({ route: '/products/:productId', status_code: '200' }, 0.002);
    c.inc({ answer: 'sold_out' }, 4);
    c.inc({ answer: 'a "quoted"\\ value' });

    const parsed = parsePrometheusText(await registry.metrics(), (f) => f !== 'dropped_gauge');
    expect(parsed.histograms).toHaveLength(2);
    const order = parsed.histograms.find((s) => s.labels.route === '/order')!;
    expect(order).toEqual({
      name: 'http_request_duration_seconds',
      labels: { route: '/order', status_code: '200' },
      buckets: [
        [0.001, 1],
        [0.01, 2],
        [Infinity, 3],
      ],
      count: 3,
      sum: 0.5055,
    });
    expect(parsed.values).toEqual([
      { name: 'fluxgate_take_answers_total', labels: { answer: 'sold_out' }, value: 4 },
      { name: 'fluxgate_take_answers_total', labels: { answer: 'a "quoted"\\ value' }, value: 1 },
    ]);
  });
});
