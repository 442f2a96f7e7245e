import { createConnection, type Socket } from 'node:net';
import { createInterface } from 'node:readline';

/**
 * A TCP client run inside a node's namespace, driven by JSON lines on stdin, answering one JSON
 * line each on stdout:
 *   {"op":"connect","host","port","timeoutMs"} → {"outcome":"connected"|"timeout"|"refused"|"error","ms"} (a fresh connection)
 *   {"op":"open","host","port"} → {"outcome":"connected"|…} (the connection kept for echo)
 *   {"op":"echo","token","timeoutMs"} → {"outcome":"reply"|"timeout","ms"} (writes the token, waits for it back)
 */
let kept: Socket | undefined;
let received = '';
const say = (reply: object) => process.stdout.write(JSON.stringify(reply) + '\n');

function connect(host: string, port: number, timeoutMs: number, keep: boolean): Promise<object> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (outcome: string) => {
      clearTimeout(timer);
      if (!(keep && outcome === 'connected')) socket.destroy();
      resolve({ outcome, ms: Math.round(performance.now() - started) });
    };
    const timer = setTimeout(() => done('timeout'), timeoutMs);
    socket.once('connect', () => {
      if (keep) {
        kept = socket;
        socket.on('data', (d: Buffer) => (received += d.toString()));
      }
      done('connected');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => done(err.code === 'ECONNREFUSED' ? 'refused' : 'error'));
  });
}

async function echo(token: string, timeoutMs: number): Promise<object> {
  const started = performance.now();
  kept!.write(`${token}\n`);
  while (performance.now() - started < timeoutMs) {
    if (received.includes(`${token}\n`)) return { outcome: 'reply', ms: Math.round(performance.now() - started) };
    await new Promise((r) => setTimeout(r, 10));
  }
  return { outcome: 'timeout', ms: Math.round(performance.now() - started) };
}

for await (const line of createInterface({ input: process.stdin })) {
  const ask = JSON.parse(line) as { op: string; host: string; port: number; timeoutMs?: number; token: string };
  if (ask.op === 'echo') say(await echo(ask.token, ask.timeoutMs ?? 2000));
  else say(await connect(ask.host, ask.port, ask.timeoutMs ?? 2000, ask.op === 'open'));
}
