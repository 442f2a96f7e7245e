import { connect } from 'node:net';

export type ProbeOutcome = 'reply' | 'refused' | 'reset' | 'closed' | 'timeout';

export interface ProbeResult {
  outcome: ProbeOutcome;
  ms: number;
  /** The raw reply, e.g. "+PONG\r\n". */
  reply: string;
  /** How many reads the reply took. */
  chunks: number;
}

const encode = (args: string[]) => `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;

function complete(buf: Buffer): boolean {
  const eol = buf.indexOf('\r\n');
  if (eol < 0) return false;
  if (buf[0] !== 0x24 /* $ */) return true;
  const size = Number(buf.subarray(1, eol).toString());
  return size < 0 || buf.length >= eol + 2 + size + 2;
}

/** Sends one Redis command on a fresh TCP connection to host:port and waits for its whole reply. */
export function redisProbe(address: string, command: string[], timeoutMs = 2000): Promise<ProbeResult> {
  const [host, port] = address.split(':') as [string, string];
  const started = performance.now();
  return new Promise((resolve) => {
    let buf = Buffer.alloc(0);
    let chunks = 0;
    const socket = connect({ host, port: Number(port) });
    const done = (outcome: ProbeOutcome) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ outcome, ms: performance.now() - started, reply: buf.toString(), chunks });
    };
    const timer = setTimeout(() => done('timeout'), timeoutMs);
    socket.on('connect', () => socket.write(encode(command)));
    socket.on('data', (data) => {
      buf = Buffer.concat([buf, data]);
      chunks++;
      if (complete(buf)) done('reply');
    });
    socket.on('error', (err: NodeJS.ErrnoException) => done(err.code === 'ECONNREFUSED' ? 'refused' : err.code === 'ECONNRESET' ? 'reset' : 'closed'));
    socket.on('close', () => done('closed'));
  });
}
