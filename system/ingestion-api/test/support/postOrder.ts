import { Agent, request } from 'node:http';

export interface HttpAnswer {
  status: number;
  body: { status?: string; orderId?: string; error?: string };
}

/** POST /order over real HTTP (keep-alive, at most `maxSockets` connections at a time). */
export function orderClient(baseUrl: string, maxSockets = 128) {
  const agent = new Agent({ keepAlive: true, maxSockets });
  const post = (userId: string, productId: string): Promise<HttpAnswer> =>
    new Promise((resolve, reject) => {
      const req = request(`${baseUrl}/order`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : {} }));
      });
      req.on('error', reject);
      req.end(JSON.stringify({ userId, productId }));
    });
  return { post, close: () => agent.destroy() };
}
