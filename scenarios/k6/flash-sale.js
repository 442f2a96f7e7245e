// Flash-sale load for users who bring their own k6 (`--engine k6`; the project never installs k6).
// An open-model arrival rate of buyers pressing "Buy". Each request prints one JSON line of what it
// saw (run with --console-output <file> --log-format raw); the harness classifies every line with
// the same code as its built-in engine. k6 counts arrivals it could not start (dropped_iterations)
// only in its own metrics, so dropped arrivals get no line of their own under k6.
// Runs alone too:  k6 run -e API_URLS=http://127.0.0.1:3000 -e PRODUCTS=demo scenarios/k6/flash-sale.js
import exec from 'k6/execution';
import http from 'k6/http';
import { sleep } from 'k6';

const env = (name, fallback) => (__ENV[name] === undefined || __ENV[name] === '' ? fallback : __ENV[name]);

const apiUrls = env('API_URLS', 'http://127.0.0.1:3000').split(',');
const products = env('PRODUCTS', 'demo').split(',');
const seed = Number(env('SEED', '1'));
const round = Number(env('ROUND', '0'));
const users = Number(env('USERS', '10000'));
const startRate = Number(env('START_RATE', '500'));
// "rate:durationMs,…": each stage ramps to its rate over its duration.
const stages = env('STAGES', '500:10000')
  .split(',')
  .map((s) => s.split(':').map(Number))
  .map(([target, ms]) => ({ target, duration: `${ms}ms` }));
const timeoutMs = Number(env('TIMEOUT_MS', '3000'));
const retries = Number(env('RETRIES', '0'));
const backoffBaseMs = Number(env('BACKOFF_BASE_MS', '200'));
const backoffMaxMs = Number(env('BACKOFF_MAX_MS', '2000'));
const maxInFlight = Number(env('MAX_IN_FLIGHT', '2000'));

export const options = {
  scenarios: {
    buyers: {
      executor: 'ramping-arrival-rate',
      startRate,
      timeUnit: '1s',
      stages,
      preAllocatedVUs: Math.min(maxInFlight, Math.max(10, Math.ceil(startRate / 20))),
      maxVUs: maxInFlight,
    },
  },
  maxRedirects: 0,
  discardResponseBodies: false,
};

function bodyField(res, name) {
  try {
    return res.json(name);
  } catch (_) {
    return undefined;
  }
}

function transportOf(res) {
  const e = res.error || '';
  if (/timeout/i.test(e)) return 'timeout';
  if (/refused/i.test(e)) return 'refused';
  if (/reset/i.test(e)) return 'reset';
  if (/EOF|closed/i.test(e)) return 'closed';
  return 'other';
}

export default function () {
  const n = exec.scenario.iterationInTest;
  const userId = `u${seed}-${n % users}`;
  const productId = products[n % products.length];
  const key = `k${seed}-${round}-k6-${n}`;
  const body = JSON.stringify({ userId, productId });
  for (let attempt = 1; attempt <= retries + 1; attempt++) {
    const api = apiUrls[(n + attempt - 1) % apiUrls.length];
    const ts = Date.now();
    const res = http.post(`${api}/order`, body, {
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key },
      timeout: `${timeoutMs}ms`,
      redirects: 0,
    });
    const line = { ts, intendedTs: ts, sentTs: ts, latencyMs: res.timings.duration, userId, productId, key, status: res.status, attempt, api };
    if (res.status === 0) line.transport = transportOf(res);
    else {
      line.orderId = bodyField(res, 'orderId');
      line.bodyError = bodyField(res, 'error');
    }
    console.log(JSON.stringify(line));
    const retryable = res.status === 0 || res.status >= 500;
    if (attempt > retries || !retryable) return;
    sleep((Math.random() * Math.min(backoffMaxMs, backoffBaseMs * 2 ** (attempt - 1))) / 1000);
  }
}
