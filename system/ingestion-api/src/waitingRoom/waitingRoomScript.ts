/**
 * The waiting room's browser script (plain JS, no external URL). It reads its settings from the
 * #settings JSON, or from the page's query string when that names no product (the static page a
 * load balancer serves). With a ticket it polls GET /queue/<ticket> at the interval the API suggests,
 * showing the place in line, the ETA and the progress; once admitted it places the order with the
 * admission token; when the stock is gone it says so and stops. Every attempt of one buyer carries
 * one Idempotency-Key (kept in sessionStorage), so a retry can never buy twice.
 */
export const waitingRoomScript = `
'use strict';
const el = (id) => document.getElementById(id);
const embedded = JSON.parse(el('settings').textContent);
const settings = embedded.productId ? embedded : Object.fromEntries(new URLSearchParams(location.search));
const productId = settings.productId || '';
el('product').textContent = productId;
document.title = 'Waiting room · ' + productId;
const storageKey = 'flux-gate:' + productId;
let userId = settings.userId || '';
let ticket = settings.ticket || '';
let key = settings.idempotencyKey || '';
let firstServing = null;
let attempt = 0;
let finished = false;

function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

function show(state, text) {
  document.body.dataset.state = state;
  el('message').textContent = text;
}

function finish(state, text) {
  finished = true;
  el('queue').hidden = true;
  show(state, text);
}

function backoff() {
  attempt += 1;
  return Math.min(10000, 500 * 2 ** attempt) * (0.5 + Math.random() / 2);
}

function formatEta(ms) {
  if (ms === null) return 'paused';
  if (ms < 1000) return 'less than a second';
  const s = Math.ceil(ms / 1000);
  return s < 90 ? s + ' s' : Math.ceil(s / 60) + ' min';
}

function showQueue(q) {
  el('queue').hidden = false;
  el('remaining').textContent = String(q.remaining);
  el('ticket-number').textContent = String(q.number);
  if (firstServing === null) firstServing = Math.min(q.serving, q.number - 1);
  const span = Math.max(1, q.number - firstServing);
  const done = q.state === 'waiting' ? Math.max(0, q.serving - firstServing) : span;
  el('progress').max = span;
  el('progress').value = Math.min(span, done);
  el('position').textContent = String(q.position);
  el('ahead').textContent = String(q.ahead);
  el('eta').textContent = q.state === 'waiting' ? formatEta(q.etaMs) : 'now';
}

async function poll() {
  if (finished) return;
  let res;
  try {
    res = await fetch('/queue/' + encodeURIComponent(ticket), { cache: 'no-store' });
  } catch {
    show('waiting', 'The connection dropped. You keep your place; reconnecting…');
    return void setTimeout(poll, backoff());
  }
  const body = await res.json().catch(() => ({}));
  if (res.status === 200) {
    attempt = 0;
    showQueue(body);
    if (body.state === 'sold_out') return finish('sold-out', 'Sold out: every unit has found a buyer. Sorry!');
    if (body.state === 'admitted') {
      if (Date.parse(body.admissionExpiresAt) <= Date.now()) return finish('error', 'Your turn has passed: the admission expired.');
      show('admitted', 'It is your turn! Placing your order…');
      return order(body.admissionToken);
    }
    show('waiting', body.paused ? 'Admission is paused for a moment. You keep your place.' : 'You are in the queue. Keep this page open: it orders for you when it is your turn.');
    return void setTimeout(poll, body.pollMs || 1000);
  }
  if (res.status === 410) return order(null);
  if (res.status === 404) return finish('error', body.error === 'unknown_product' ? 'This product is not on sale.' : 'This queue ticket is not valid.');
  show('waiting', 'The shop is busy or briefly unavailable. You keep your place; trying again…');
  setTimeout(poll, backoff());
}

async function order(token) {
  if (finished) return;
  const headers = { 'content-type': 'application/json', 'idempotency-key': key };
  if (token) headers['admission-token'] = token;
  let res;
  try {
    res = await fetch('/order', { method: 'POST', headers, body: JSON.stringify({ userId, productId }), redirect: 'follow' });
  } catch {
    show(token ? 'admitted' : 'waiting', 'The connection failed. Trying again with the same order…');
    return void setTimeout(() => order(token), backoff());
  }
  if (res.redirected) {
    const given = new URL(res.url).searchParams.get('ticket');
    if (given) {
      ticket = given;
      firstServing = null;
      show('waiting', 'You are in the queue.');
      return poll();
    }
    return finish('error', 'The shop sent this page somewhere unexpected.');
  }
  const body = await res.json().catch(() => ({}));
  if (res.status === 200) {
    el('order-id').textContent = body.orderId;
    return finish('success', 'Success! Your order is accepted.');
  }
  if (body.error === 'sold_out') return finish('sold-out', 'Sold out: every unit has found a buyer. Sorry!');
  if (body.error === 'already_ordered') return finish('success', 'You already hold this product (one per customer).');
  if (body.error === 'token_expired') return ticket ? poll() : order(null);
  if (res.status === 404) return finish('error', 'This product is not on sale.');
  if (res.status >= 400 && res.status < 500) return finish('error', 'The order was refused: ' + (body.message || body.error || 'invalid request') + '.');
  show(token ? 'admitted' : 'waiting', 'The shop is busy or briefly unavailable. Trying again with the same order…');
  setTimeout(() => order(token), backoff());
}

function start() {
  key = key || sessionStorage.getItem(storageKey + ':' + userId) || newKey();
  sessionStorage.setItem(storageKey + ':' + userId, key);
  el('who').hidden = true;
  el('user').textContent = userId;
  if (ticket) poll();
  else order(null);
}

el('who').addEventListener('submit', (event) => {
  event.preventDefault();
  userId = el('user-input').value.trim();
  if (userId) start();
});

if (userId) start();
else show('ask', 'Enter your user id to join the queue.');
`;
