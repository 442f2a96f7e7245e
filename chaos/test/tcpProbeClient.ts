import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { namespacedCommand } from '@flux-gate/stack';

export interface ProbeReply {
  outcome: string;
  ms: number;
}

/** The tcpProbe client running inside a network namespace; one question at a time. */
export class TcpProbe {
  #answers: ((reply: ProbeReply) => void)[] = [];
  constructor(readonly child: ChildProcessWithoutNullStreams) {
    createInterface({ input: child.stdout }).on('line', (line) => this.#answers.shift()?.(JSON.parse(line) as ProbeReply));
  }
  ask(question: object): Promise<ProbeReply> {
    return new Promise((resolve) => {
      this.#answers.push(resolve);
      this.child.stdin.write(JSON.stringify(question) + '\n');
    });
  }
  /** A fresh TCP connection to host:port: connected, timeout (nothing came back), refused or error. */
  connect(host: string, port: number, timeoutMs = 1000): Promise<ProbeReply> {
    return this.ask({ op: 'connect', host, port, timeoutMs });
  }
  stop(): void {
    this.child.kill('SIGKILL');
  }
}

/** Starts tcpProbe.ts inside the namespace at `netnsPath` (`/run/netns/<name>`). */
export function startTcpProbe(netnsPath: string): TcpProbe {
  const line = namespacedCommand(netnsPath, process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./tcpProbe.ts', import.meta.url))]);
  return new TcpProbe(spawn(line.command, line.args, { stdio: 'pipe' }));
}

/** A fresh TCP connection from the host, which is no node and so never cut: 'connected', 'timeout' or 'error'. */
export const connectFromHost = (host: string, port: number, timeoutMs = 1000): Promise<string> =>
  new Promise<string>((resolve) => {
    const socket = createConnection({ host, port });
    const done = (outcome: string) => (clearTimeout(timer), socket.destroy(), resolve(outcome));
    const timer = setTimeout(() => done('timeout'), timeoutMs);
    socket.once('connect', () => done('connected'));
    socket.once('error', () => done('error'));
  });
