import { spawn } from 'node:child_process';

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Kill the command after this many milliseconds. */
  timeoutMs?: number;
  /** Run as this user (needs root). */
  uid?: number;
  gid?: number;
  /** Receives the output (stdout and stderr) as it arrives, for progress. */
  onOutput?: (chunk: string) => void;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion and collects its output; never throws on a non-zero exit. */
export function runCommand(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.uid !== undefined ? { uid: options.uid, gid: options.gid } : {}),
    });
    let stdout = '';
    let stderr = '';
    const collect = (append: (text: string) => void) => (d: Buffer) => {
      const text = d.toString();
      append(text);
      options.onOutput?.(text);
    };
    child.stdout.on('data', collect((text) => (stdout += text)));
    child.stderr.on('data', collect((text) => (stderr += text)));
    const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Like runCommand, but throws with the tail of the output when the command fails. */
export async function runOrThrow(command: string, args: string[], options: RunOptions = {}): Promise<string> {
  const result = await runCommand(command, args, options);
  if (result.code !== 0) {
    const tail = (result.stderr + result.stdout).trim().split('\n').slice(-15).join('\n');
    throw new Error(`\`${command} ${args.join(' ')}\` exited with ${result.code}:\n${tail}`);
  }
  return result.stdout;
}

/** The absolute path of a command on PATH, or undefined. */
export async function which(command: string): Promise<string | undefined> {
  const result = await runCommand('sh', ['-c', `command -v ${command}`]).catch(() => undefined);
  const path = result?.stdout.trim();
  return result?.code === 0 && path ? path : undefined;
}
