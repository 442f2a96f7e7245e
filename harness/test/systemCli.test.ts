import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { alive } from '@flux-gate/stack';

const repo = fileURLToPath(new URL('../..', import.meta.url));

describe('npm run system', () => {
  it('runs the whole system with a demo sale, answers orders, and leaves nothing behind on Ctrl-C', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'harness/src/cli/system.ts', '--json', '--product', 'poke', '--stock', '2'], { cwd: repo, stdio: 'pipe' });
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve(out.split('\n')[0]!);
      });
      child.on('exit', (code) => reject(new Error(`exited ${code} before printing its JSON`)));
    });
    const info = JSON.parse(line) as { apiUrls: string[]; adminToken: string; logs: string; pids: Record<string, number> };
    expect(info.adminToken).toMatch(/^[0-9a-f]{32}$/);
    expect(Object.keys(info.pids)).toEqual(expect.arrayContaining(['redis', 'postgres', 'kafka', 'toxiproxy', 'api-1', 'worker-1']));

    const order = (userId: string) =>
      fetch(`${info.apiUrls[0]}/order`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId, productId: 'poke' }) });
    expect((await order('ann')).status).toBe(200);
    expect((await order('ann')).status).toBe(409);
    expect((await order('bo')).status).toBe(200);
    expect(await (await order('cy')).json()).toEqual({ error: 'sold_out' });
    expect(await (await fetch(`${info.apiUrls[0]}/products/poke`)).json()).toEqual({ productId: 'poke', remaining: 0 });

    const pids = Object.values(info.pids);
    child.kill('SIGINT');
    const [code] = await once(child, 'exit');
    expect(code).toBe(130);
    expect(pids.filter(alive)).toEqual([]);
    expect(existsSync(dirname(info.logs))).toBe(false);
  });
});
