import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type ComposeTool, freePorts, runCommand, runOrThrow, waitFor } from '@flux-gate/stack';

const composeFile = fileURLToPath(new URL('../../docker-compose.yml', import.meta.url));
const project = `fluxgate-compose-${randomBytes(4).toString('hex')}`;
const label = `label=com.docker.compose.project=${project}`;
const log = (line: string) => process.stderr.write(`[compose test] ${line}\n`);
const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(1);

let tool: ComposeTool;
let env: NodeJS.ProcessEnv;
let ports: { api: number; redis: number; postgres: number; kafka: number; toxiproxy: number };
let up = false;

function compose(args: string[], timeoutMs = 300_000) {
  return runCommand(tool.command, [...tool.prefix, '-f', composeFile, '-p', project, ...args], { env, timeoutMs });
}

const lines = (text: string) => text.split('\n').map((l) => l.trim()).filter(Boolean);
const dockerIds = async (args: string[]) => lines(await runOrThrow('docker', args));

/** The named volumes of the project and the anonymous ones its containers mount. */
async function volumesOf(containers: string[]): Promise<string[]> {
  const labelled = await dockerIds(['volume', 'ls', '-q', '--filter', label]);
  const mounted = containers.length ? await dockerIds(['inspect', '--format', '{{range .Mounts}}{{if .Name}}{{.Name}}{{"\\n"}}{{end}}{{end}}', ...containers]) : [];
  return [...new Set([...labelled, ...mounted])];
}

/** What of the project the engine still holds, as "kind id" lines. */
async function leftovers(volumes: string[]): Promise<string[]> {
  const containers = await dockerIds(['ps', '-aq', '--filter', label]);
  const networks = await dockerIds(['network', 'ls', '-q', '--filter', label]);
  const named = await dockerIds(['network', 'ls', '-q', '--filter', `name=^${project}_`]);
  const stillThere: string[] = [];
  for (const v of new Set([...volumes, ...(await dockerIds(['volume', 'ls', '-q', '--filter', label]))])) {
    if ((await runCommand('docker', ['volume', 'inspect', v])).code === 0) stillThere.push(v);
  }
  return [...containers.map((c) => `container ${c}`), ...[...new Set([...networks, ...named])].map((n) => `network ${n}`), ...stillThere.map((v) => `volume ${v}`)];
}

/** The last lines each service logged, for a failure's message. */
async function serviceLogs(): Promise<string> {
  const r = await compose(['logs', '--no-color', '--tail', '20'], 60_000);
  return (r.stdout + r.stderr).trim();
}

describe('docker-compose.yml with the images built here', () => {
  beforeAll(async () => {
    // The engine, the images and the Compose tool come from the global setup (provisionContainers.ts).
    tool = inject('composeTool');
    const [api, redis, postgres, kafka, toxiproxy] = await freePorts(5);
    ports = { api: api!, redis: redis!, postgres: postgres!, kafka: kafka!, toxiproxy: toxiproxy! };
    env = {
      ...process.env,
      ...inject('composeImageEnv'),
      FLUXGATE_ADMIN_TOKEN: randomBytes(16).toString('hex'),
      FLUXGATE_API_PORT: String(ports.api),
      FLUXGATE_REDIS_PORT: String(ports.redis),
      FLUXGATE_POSTGRES_PORT: String(ports.postgres),
      FLUXGATE_KAFKA_PORT: String(ports.kafka),
      FLUXGATE_TOXIPROXY_PORT: String(ports.toxiproxy),
    };
    log(`${[tool.command, ...tool.prefix].join(' ')} ${tool.version}`);
  });

  afterAll(async () => {
    // A failed test still takes its stack down; the last test checks that down leaves nothing.
    if (up) await compose(['down', '-v', '--remove-orphans', '--timeout', '10']);
  }, 300_000);

  it('arms a sale, sells out over HTTP, stores each order once in PostgreSQL, and `down -v` leaves nothing', async () => {
    const upStarted = performance.now();
    up = true;
    const started = await compose(['up', '-d', '--no-build']);
    expect(started.code, started.stderr).toBe(0);
    const api = `http://127.0.0.1:${ports.api}`;
    // A slow machine: Kafka may take tens of seconds, and the API exits and is restarted until the stores answer.
    await waitFor(async () => {
      const res = await fetch(`${api}/ready`);
      if (res.status !== 200) throw new Error(`/ready answered ${res.status}`);
    }, { timeoutMs: 240_000, intervalMs: 500 }).catch(async (err: Error) => {
      throw new Error(`the API never got ready: ${err.message}\n${await serviceLogs()}`);
    });
    log(`compose up: ${seconds(upStarted)}s until the API is ready`);

    const containers = await dockerIds(['ps', '-q', '--filter', label]);
    expect(containers).toHaveLength(6);
    for (const id of containers) {
      for (const binding of lines(await runOrThrow('docker', ['port', id]))) expect(binding).toMatch(/-> 127\.0\.0\.1:\d+$/);
    }

    const productId = `compose-${randomBytes(3).toString('hex')}`;
    const stock = 40;
    const arm = await fetch(`${api}/admin/sales`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${env.FLUXGATE_ADMIN_TOKEN}` },
      body: JSON.stringify({ productId, stock }),
    });
    expect(arm.status, await arm.clone().text()).toBe(200);
    const unauthorized = await fetch(`${api}/admin/sales`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ productId, stock }) });
    expect(unauthorized.status).toBe(401);

    // 100 buyers for 40 units, 10 at a time.
    const buyers = Array.from({ length: 100 }, (_, i) => `buyer-${i}`);
    const answers: Array<{ userId: string; status: number; body: { orderId?: string; error?: string } }> = [];
    for (let i = 0; i < buyers.length; i += 10) {
      answers.push(
        ...(await Promise.all(
          buyers.slice(i, i + 10).map(async (userId) => {
            const res = await fetch(`${api}/order`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId, productId }) });
            return { userId, status: res.status, body: (await res.json()) as { orderId?: string; error?: string } };
          }),
        )),
      );
    }
    const accepted = answers.filter((a) => a.status === 200);
    expect(accepted).toHaveLength(stock);
    expect(answers.filter((a) => a.status === 409 && a.body.error === 'sold_out')).toHaveLength(buyers.length - stock);
    expect(await (await fetch(`${api}/products/${productId}`)).json()).toEqual({ productId, remaining: 0 });
    const again = await fetch(`${api}/order`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: accepted[0]!.userId, productId }) });
    expect(again.status).toBe(409);

    // The worker drains Kafka into PostgreSQL, read here directly on its published port.
    const db = new pg.Client({ connectionString: `postgres://flux@127.0.0.1:${ports.postgres}/fluxgate` });
    await db.connect();
    try {
      const count = async () => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM orders WHERE product_id = $1`, [productId])).rows[0]!.n;
      await waitFor(async () => {
        const n = await count();
        if (n < stock) throw new Error(`${n} of ${stock} orders stored`);
      }, { timeoutMs: 120_000, intervalMs: 500 }).catch(async (err: Error) => {
        throw new Error(`${err.message}\n${await serviceLogs()}`);
      });
      const rows = (await db.query<{ order_id: string; user_id: string; status: string }>(`SELECT order_id, user_id, status FROM orders WHERE product_id = $1`, [productId])).rows;
      expect(rows).toHaveLength(stock);
      expect(new Set(rows.map((r) => r.order_id)).size).toBe(stock);
      expect(new Set(rows.map((r) => r.user_id)).size).toBe(stock);
      expect(rows.every((r) => r.status === 'confirmed')).toBe(true);
      expect(new Set(rows.map((r) => r.order_id))).toEqual(new Set(accepted.map((a) => a.body.orderId)));
      const product = (await db.query<{ stock: number; initial_stock: number }>(`SELECT stock, initial_stock FROM products WHERE product_id = $1`, [productId])).rows[0];
      expect(product).toEqual({ stock: 0, initial_stock: stock });
    } finally {
      await db.end();
    }

    // What the project holds before down, so that the check after it could fail.
    const volumes = await volumesOf(await dockerIds(['ps', '-aq', '--filter', label]));
    const before = await leftovers(volumes);
    expect(before.filter((l) => l.startsWith('container'))).toHaveLength(6);
    expect(before.filter((l) => l.startsWith('network'))).toHaveLength(1);

    const downStarted = performance.now();
    const down = await compose(['down', '-v', '--remove-orphans', '--timeout', '10']);
    expect(down.code, down.stderr).toBe(0);
    up = false;
    log(`compose down -v: ${seconds(downStarted)}s`);
    expect(await leftovers(volumes)).toEqual([]);
  }, 900_000);
});
