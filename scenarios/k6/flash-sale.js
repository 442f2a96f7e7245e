// Flash-sale load: an open-model arrival rate of buyers pressing "Buy", one JSON line of history per
// request on the console (run with --console-output <file> --log-format raw to collect it).
// Runs alone too:  k6 run -e API_URLS=http://127.0.0.1:3000 -e PRODUCTS=demo scenarios/k6/flash-sale.js
import exec from 'k6/execution';
import http from 'k6/http';
import { sleep } from 'k6';
import { Counter, Rate } from 'k6/metrics';

const env = (name, fallback) => (__ENV[name] === undefined || __ENV[name] === '' ? fallback : __ENV[name]);

const apiUrls = env('API_URLS', 'http://127.0.0.1:3000').split(',');
const products = env('PRODUCTS', 'demo').split(',');
const seed = Number(env('SEED', '1'));
const round = Number(env('ROUND', '0'));
const users = Number(env('USERS', '10000'));
const rate = Number(env('RATE', '500'));
const rampUpS = Number(env('RAMP_UP_S', '0'));
const durationS = Number(env('DURATION_S', '10'));
const timeoutMs = Number(env('TIMEOUT_MS', '3000'));
const retries = Number(env('RETRIES', '0'));
const maxVUs = Number(env('MAX_VUS', '400'));
const summaryPath = env('SUMMARY_PATH', 'k6-summary.json');

const errors = new Rate('flux_errors');
const accepted = new Counter('flux_accepted');
const unknown = new Counter('flux_unknown');

const stages = rampUpS > 0 ? [{ target: rate, duration: `${rampUpS}s` }, { target: rate, duration: `${durationS}s` }] : [{ target: rate, duration: `${durationS}s` }];

export const options = {
  scenarios: {
    buyers: {
      executor: 'ramping-arrival-rate',
      startRate: rampUpS > 0 ? 0 : rate,
      timeUnit: '1s',
      stages,
      preAllocatedVUs: Math.min(maxVUs, Math.max(10, Math.ceil(rate / 20))),
      maxVUs,
    },
  },
  maxRedirects: 0,
  discardResponseBodies: false,
  summaryTrendStats: ['avg', 'min', 'med', 'p(90)', 'p(95)', 'p(99)', 'max'],
  thresholds: {
    flux_errors: [`rate<=${env('THRESHOLD_ERROR_RATE', '0.01')}`],
    http_req_duration: [`p(99)<${env('THRESHOLD_P99_MS', '1000')}`],
  },
};

// Decisive answers: the system said yes or no. Anything else may or may not have happened. No
// answer at all is unknown even when the last error was a refused dial: Go's HTTP client resends a
// request carrying an Idempotency-Key on a new connection after the first one broke mid-flight.
// A 503 that names an order id says Kafka's ack was late: that order may yet be placed.
function outcomeOf(res) {
  if (res.status === 200) return 'ok';
  if (res.status === 0) return 'unknown';
  if (res.status === 503) return bodyField(res, 'orderId') ? 'unknown' : 'fail';
  if (res.status >= 500) return 'unknown';
  return 'fail';
}

function bodyField(res, name) {
  try {
    return res.json(name);
  } catch (_) {
    return undefined;
  }
}

function errorOf(res) {
  if (res.status === 0) return /timeout/i.test(res.error || '') ? 'timeout' : /reset/i.test(res.error || '') ? 'reset' : res.error || 'no answer';
  if (res.status === 200) return undefined;
  if (res.status === 503 && bodyField(res, 'orderId')) return 'unavailable_order_open';
  return bodyField(res, 'error') || `http_${res.status}`;
}

export default function () {
  const n = exec.scenario.iterationInTest;
  const userId = `u${seed}-${n % users}`;
  const productId = products[n % products.length];
  const key = `k${seed}-${round}-${n}`;
  const body = JSON.stringify({ userId, productId });
  for (let attempt = 1; attempt <= retries + 1; attempt++) {
    const url = apiUrls[(n + attempt - 1) % apiUrls.length];
    const ts = Date.now();
    const res = http.post(`${url}/order`, body, {
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key },
      timeout: `${timeoutMs}ms`,
      redirects: 0,
      tags: { name: 'order' },
    });
    const outcome = outcomeOf(res);
    const orderId = res.status === 200 || res.status === 503 ? bodyField(res, 'orderId') : undefined;
    console.log(
      JSON.stringify({ ts, latencyMs: res.timings.duration, userId, productId, key, status: res.status, outcome, orderId, error: errorOf(res), attempt, api: url }),
    );
    const retryable = outcome === 'unknown' || res.status === 503;
    if (attempt > retries || !retryable) {
      errors.add(outcome === 'unknown');
      if (outcome === 'ok') accepted.add(1);
      if (outcome === 'unknown') unknown.add(1);
      return;
    }
    sleep(Math.min(2, 0.2 * 2 ** (attempt - 1)));
  }
}

export function handleSummary(data) {
  return { [summaryPath]: JSON.stringify(data, null, 2) };
}
