import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { QueueStatus } from '@flux-gate/contracts';
import { ensureTools, localProvider, type StartedStack } from '@flux-gate/stack';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedApi, startApi, staticWaitingRoomPage, waitingRoomCsp } from '../src/index.ts';
import { adminHeaders, apiConfig } from './support/apiConfig.ts';

const chromiumFlags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Screenshots of the page's states, for a person to look at (ignored by git). */
const artifacts = join(import.meta.dirname, 'artifacts');
let stack: StartedStack;
let api: StartedApi;
let profile: string;
let browser: BrowserContext;

beforeAll(async () => {
  stack = await localProvider.start({ log: () => undefined });
  api = await startApi(apiConfig(stack, { RATE_LIMIT_PER_SEC: '1', RATE_LIMIT_BURST: '1' }));
  profile = await mkdtemp(join(tmpdir(), 'fg-chromium-'));
  await mkdir(artifacts, { recursive: true });
  // Debian's Chromium, as `npm run setup` provisions it (found in its cache here); no browser download.
  const { chromium: executablePath } = await ensureTools({ log: () => undefined });
  browser = await chromium.launchPersistentContext(profile, { executablePath, headless: true, args: chromiumFlags });
});

afterAll(async () => {
  await browser?.close();
  await api?.stop();
  await stack?.stop();
  if (profile) await rm(profile, { recursive: true, force: true });
});

const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
  const res = await fetch(`${api.url}${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    redirect: 'manual',
  });
  return { status: res.status, location: res.headers.get('location'), body: (await res.json().catch(() => null)) as Record<string, unknown> | null };
};
const admin = (path: string, body?: unknown) => call('POST', path, body, adminHeaders);
/** A shed buyer's 302: the waiting-room URL with its ticket. */
const shed = async (productId: string, userId: string) => {
  const res = await call('POST', '/order', { userId, productId });
  expect(res.status).toBe(302);
  return { location: res.location!, ticket: res.body!.ticket as string };
};
const poll = async (ticket: string) => (await call('GET', `/queue/${ticket}`)).body as unknown as QueueStatus;
// Read through selectors, not evaluated scripts: the page's Content-Security-Policy forbids eval.
const stateOf = (page: Page) => page.getAttribute('body', 'data-state');
const positionIs = (page: Page, n: number) => page.locator('#position', { hasText: new RegExp(`^${n}$`) }).waitFor();

async function openPage(location: string) {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // A resource that failed to load is logged too: the tests cut connections on purpose.
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
  });
  await page.goto(`${api.url}${location}`, { waitUntil: 'load' });
  return { page, errors };
}

describe('the waiting-room page in Chromium', () => {
  it('shows the ticket moving up, then its turn, and places the order with its token and one Idempotency-Key across a retry', async () => {
    await admin('/admin/sales', { productId: 'page-buy', stock: 5, admissionRatePerSec: 1 });
    await admin('/admin/sales/page-buy/queue/pause');
    for (const u of ['ahead-1', 'ahead-2', 'ahead-3']) await shed('page-buy', u);
    const me = await shed('page-buy', 'me');
    const { page, errors } = await openPage(me.location);

    // The first POST /order reaches the API, but its answer is lost: the page must retry the same order.
    const orders: Array<{ key?: string; token?: string }> = [];
    let firstAnswer: { orderId?: string } | undefined;
    await page.route('**/order', async (route) => {
      const headers = route.request().headers();
      orders.push({ key: headers['idempotency-key'], token: headers['admission-token'] });
      if (orders.length > 1) return route.continue();
      firstAnswer = await (await route.fetch()).json();
      await route.abort('connectionreset');
    });

    await positionIs(page, 4);
    expect(await page.textContent('#ahead')).toBe('3');
    expect(await page.textContent('#eta')).toBe('paused');
    await page.screenshot({ path: join(artifacts, 'waiting-room-waiting.png'), fullPage: true });
    await admin('/admin/sales/page-buy/queue/resume');

    const positions: string[] = [];
    const deadline = Date.now() + 15_000;
    while ((await stateOf(page)) !== 'success' && Date.now() < deadline) {
      const shown = (await page.textContent('#position')) ?? '';
      if (positions.at(-1) !== shown) positions.push(shown);
      await sleep(50);
    }
    expect(await stateOf(page)).toBe('success');
    await page.screenshot({ path: join(artifacts, 'waiting-room-success.png'), fullPage: true });
    const moves = positions.map(Number).filter((n) => n > 0);
    expect(moves.length).toBeGreaterThanOrEqual(2);
    expect(moves.every((n, i) => i === 0 || n < moves[i - 1]!)).toBe(true);
    console.log(`positions shown: ${positions.join(' → ')}`);

    expect(orders.length).toBe(2);
    expect(orders[0]!.token).toBeTruthy();
    expect(orders[1]).toEqual(orders[0]);
    expect(firstAnswer?.orderId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await page.textContent('#order-id')).toBe(firstAnswer!.orderId);
    expect((await call('GET', '/products/page-buy')).body).toEqual({ productId: 'page-buy', remaining: 4 });
    expect((await poll(me.ticket)).state).toBe('admitted');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the static page a load balancer serves reads the buyer and the ticket from its query string and orders once admitted', async () => {
    await admin('/admin/sales', { productId: 'page-static', stock: 3, admissionRatePerSec: 2 });
    await admin('/admin/sales/page-static/queue/pause');
    await shed('page-static', 'ahead');
    const me = await shed('page-static', 'me');
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // As nginx answers it: the same file for every buyer, with the page's Content-Security-Policy.
    await page.route('**/waiting-room?*', (route) =>
      route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', headers: { 'content-security-policy': waitingRoomCsp }, body: staticWaitingRoomPage() }),
    );
    await page.goto(`${api.url}${me.location}`, { waitUntil: 'load' });
    await positionIs(page, 2);
    expect(await page.textContent('#product')).toBe('page-static');
    expect(await page.textContent('#user')).toBe('me');
    expect(await page.isHidden('#who')).toBe(true);
    await admin('/admin/sales/page-static/queue/resume');
    await page.locator('body[data-state=success]').waitFor({ timeout: 15_000 });
    expect(await page.textContent('#order-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('switches a waiting ticket to sold out when the last unit goes', async () => {
    await admin('/admin/sales', { productId: 'page-sold', stock: 1, admissionRatePerSec: 2 });
    await admin('/admin/sales/page-sold/queue/pause');
    const other = await shed('page-sold', 'other');
    const me = await shed('page-sold', 'me');
    const { page, errors } = await openPage(me.location);
    const orders: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/order')) orders.push(r.url());
    });
    await positionIs(page, 2);
    expect(await stateOf(page)).toBe('waiting');

    // Let the other buyer in, then hold the queue so that the page's ticket stays waiting.
    await admin('/admin/sales/page-sold/queue/resume');
    let turn = await poll(other.ticket);
    while (turn.state !== 'admitted') turn = (await sleep(10), await poll(other.ticket));
    await admin('/admin/sales/page-sold/queue/pause');
    expect((await poll(me.ticket)).state).toBe('waiting');

    const bought = await call('POST', '/order', { userId: 'other', productId: 'page-sold' }, { 'admission-token': turn.admissionToken! });
    expect(bought.status).toBe(200);
    const soldAt = Date.now();
    await page.locator('body[data-state="sold-out"]').waitFor({ timeout: 5_000 });
    const toldAfterMs = Date.now() - soldAt;
    console.log(`sold out shown ${toldAfterMs} ms after the last unit was sold`);
    expect(toldAfterMs).toBeLessThan(2_000);
    expect(await page.textContent('#message')).toContain('Sold out');
    await page.screenshot({ path: join(artifacts, 'waiting-room-sold-out.png'), fullPage: true });
    expect(orders).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
