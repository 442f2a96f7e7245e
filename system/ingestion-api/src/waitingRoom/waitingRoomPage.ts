import { createHash } from 'node:crypto';
import { waitingRoomScript } from './waitingRoomScript.ts';

export interface WaitingRoomParams {
  productId: string;
  userId?: string;
  idempotencyKey?: string;
  /** The queue ticket of the 302 that sent the buyer here. */
  ticket?: string;
}

const style = `
body { font: 16px/1.5 system-ui, sans-serif; max-width: 36rem; margin: 3rem auto; padding: 0 1rem; color: #1d2430; }
h1 { font-size: 1.5rem; }
.big { font-size: 2.5rem; font-weight: 700; }
progress { width: 100%; height: 1.25rem; }
dl { display: grid; grid-template-columns: auto 1fr; gap: .25rem 1rem; }
dd { margin: 0; font-weight: 600; }
#message { padding: .75rem 1rem; border-radius: .5rem; background: #eef2f8; }
body[data-state=success] #message, body[data-state=admitted] #message { background: #e3f6e8; }
body[data-state=sold-out] #message, body[data-state=error] #message { background: #fbe9e9; }
.small { color: #5a6475; font-size: .9rem; }
`;

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** Content-Security-Policy of the page: only its own inline script and style, and fetches to this origin. */
export const waitingRoomCsp = `default-src 'none'; script-src ${sha256(waitingRoomScript)}; style-src ${sha256(style)}; connect-src 'self'; form-action 'none'; base-uri 'none'`;

const htmlEscapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => htmlEscapes[c] ?? c);
/** JSON safe inside a <script> element: no `<` can close it. */
const jsonForScript = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

/** The self-contained waiting-room page (HTML, CSS and JS inline, no external URL). */
export function waitingRoomPage(params: WaitingRoomParams): string {
  const product = escapeHtml(params.productId);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Waiting room · ${product}</title>
<style>${style}</style>
</head>
<body data-state="waiting">
<h1>Waiting room for <span id="product">${product}</span></h1>
<p>So many people want this product at once that we let buyers in at a steady pace, first come, first
served. Keep this page open: it places your order when it is your turn, and a retry never buys twice.</p>
<p id="message" role="status">Joining the queue…</p>
<section id="queue" hidden>
<p>Your place in line: <span id="position" class="big">…</span></p>
<progress id="progress" max="1" value="0"></progress>
<dl>
<dt>People ahead of you</dt><dd id="ahead">…</dd>
<dt>Estimated wait</dt><dd id="eta">…</dd>
<dt>Units left</dt><dd id="remaining">…</dd>
<dt>Your ticket</dt><dd>#<span id="ticket-number">…</span></dd>
</dl>
</section>
<p class="small">Order id: <span id="order-id">none yet</span> · user: <span id="user">${escapeHtml(params.userId ?? '')}</span></p>
<form id="who"${params.userId ? ' hidden' : ''}>
<label>Your user id <input id="user-input" maxlength="64" required></label>
<button type="submit">Join the queue</button>
</form>
<script id="settings" type="application/json">${jsonForScript(params)}</script>
<script>${waitingRoomScript}</script>
</body>
</html>
`;
}

/**
 * The same page for every buyer, with nothing of the request in it: the script reads the product,
 * user, key and ticket from the query string. A load balancer serves it as a file (with
 * waitingRoomCsp), so the page loads while every API instance is busy or down.
 */
export const staticWaitingRoomPage = (): string => waitingRoomPage({ productId: '' });
