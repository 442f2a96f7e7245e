import { setTimeout as sleep } from 'node:timers/promises';
import type { QueueAdminState, QueuedResponse, QueueStatus } from '@flux-gate/contracts';
import type { FastifyInstance } from 'fastify';
import { adminHeaders } from './apiConfig.ts';

/** The waiting room's routes through app.inject(): arm, order, read a ticket, steer the queue. */
export function queueClient(app: FastifyInstance) {
  const arm = async (productId: string, stock: number, admissionRatePerSec: number) => {
    const res = await app.inject({ method: 'POST', url: '/admin/sales', headers: adminHeaders, payload: { productId, stock, admissionRatePerSec } });
    if (res.statusCode !== 200) throw new Error(`arming ${productId} answered ${res.statusCode}: ${res.body}`);
  };
  const order = (productId: string, userId: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/order', headers, payload: { userId, productId } });
  /** POST /order that must be shed: the 302's body, checked against its headers. */
  const ticket = async (productId: string, userId: string): Promise<QueuedResponse> => {
    const res = await order(productId, userId);
    if (res.statusCode !== 302) throw new Error(`expected 302 for ${userId}, got ${res.statusCode}: ${res.body}`);
    const body = res.json<QueuedResponse>();
    if (res.headers['queue-ticket'] !== body.ticket || res.headers.location !== body.waitingRoomUrl) throw new Error('302 headers disagree with its body');
    return body;
  };
  const status = (ticket: string) => app.inject({ method: 'GET', url: `/queue/${ticket}` });
  const read = async (ticket: string): Promise<QueueStatus> => {
    const res = await status(ticket);
    if (res.statusCode !== 200) throw new Error(`GET /queue answered ${res.statusCode}: ${res.body}`);
    return res.json<QueueStatus>();
  };
  /** Polls a ticket every 20 ms until its state is `state`, or throws after timeoutMs. */
  const until = async (ticket: string, state: QueueStatus['state'], timeoutMs = 10_000): Promise<QueueStatus> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const q = await read(ticket);
      if (q.state === state) return q;
      if (Date.now() > deadline) throw new Error(`ticket ${q.number} still ${q.state} after ${timeoutMs} ms`);
      await sleep(20);
    }
  };
  const steer = async (productId: string, action: 'pause' | 'resume' | 'rate' | 'get', ratePerSec?: number): Promise<QueueAdminState> => {
    const url = `/admin/sales/${productId}/queue${action === 'get' ? '' : `/${action}`}`;
    const res = await app.inject({ method: action === 'get' ? 'GET' : 'POST', url, headers: adminHeaders, ...(ratePerSec === undefined ? {} : { payload: { ratePerSec } }) });
    if (res.statusCode !== 200) throw new Error(`${url} answered ${res.statusCode}: ${res.body}`);
    return res.json<QueueAdminState>();
  };
  return { arm, order, ticket, status, read, until, steer };
}
