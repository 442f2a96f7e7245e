/**
 * The waiting room's browser script (plain JS, no external URL). It reads its settings from the
 * #settings JSON, polls the stock, and retries the order with exponential backoff and one
 * Idempotency-Key, so a retry can never buy twice.
 */
export const waitingRoomScript = `
'use strict';
const settings = JSON.parse(document.getElementById('settings').textContent);
const productId = settings.productId;
const el = (id) => document.getElementById(id);
const storageKey = 'flux-gate:' + productId;
let userId = settings.userId || '';
let key = settings.idempotencyKey || '';
let finished = false;
let attempt = 0;

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
  el('retry').textContent = '';
  show(state, text);
}

async function pollStock() {
  try {
    const res = await fetch('/products/' + encodeURIComponent(productId), { cache: 'no-store' });
    if (res.ok) {
      const body = await res.json();
      el('remaining').textContent = String(body.remaining);
      if (body.remaining === 0 && !finished) finish('sold-out', 'Sold out: every unit has found a buyer. Sorry!');
    } else if (res.status === 404) {
      el('remaining').textContent = '–';
      finish('error', 'This product is not on sale.');
    } else {
      el('remaining').textContent = '?';
    }
  } catch {
    el('remaining').textContent = '?';
  }
  if (!finished) setTimeout(pollStock, 1000);
}

function scheduleRetry(why) {
  const delay = Math.min(30000, 500 * 2 ** attempt) * (0.5 + Math.random() / 2);
  attempt += 1;
  show('waiting', why);
  const due = Date.now() + delay;
  const tick = () => {
    if (finished) return;
    const left = due - Date.now();
    if (left <= 0) return void order();
    el('retry').textContent = 'Next try in ' + Math.ceil(left / 1000) + ' s (attempt ' + (attempt + 1) + ').';
    setTimeout(tick, Math.min(250, left));
  };
  tick();
}

async function order() {
  if (finished) return;
  el('retry').textContent = 'Trying now…';
  let res;
  try {
    res = await fetch('/order', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify({ userId, productId }),
      redirect: 'manual',
    });
  } catch {
    return scheduleRetry('The connection failed. We keep your place and try again.');
  }
  if (res.type === 'opaqueredirect' || res.status === 302) {
    return scheduleRetry('Demand is very high right now, so you are in the waiting room. We try again for you automatically.');
  }
  const body = await res.json().catch(() => ({}));
  if (res.status === 200) {
    el('order-id').textContent = body.orderId;
    return finish('success', 'Success! Your order is accepted.');
  }
  if (body.error === 'sold_out') return finish('sold-out', 'Sold out: every unit has found a buyer. Sorry!');
  if (body.error === 'already_ordered') return finish('success', 'You already hold this product (one per customer).');
  if (res.status === 404) return finish('error', 'This product is not on sale.');
  if (res.status === 400) return finish('error', 'The order was refused: ' + (body.message || 'invalid request') + '.');
  scheduleRetry('The shop is busy or briefly unavailable. We try again for you automatically.');
}

function start() {
  key = key || sessionStorage.getItem(storageKey + ':' + userId) || newKey();
  sessionStorage.setItem(storageKey + ':' + userId, key);
  el('who').hidden = true;
  el('user').textContent = userId;
  order();
}

el('who').addEventListener('submit', (event) => {
  event.preventDefault();
  userId = el('user-input').value.trim();
  if (userId) start();
});

pollStock();
if (userId) start();
else show('ask', 'Enter your user id to join the queue.');
`;
