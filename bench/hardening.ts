// What the API server's hardening costs (issue 11): Secret creates/s, p99 and server CPU per
// create at 50 clients on the sqlite store, for a plain server, one encrypting Secrets at rest
// (--secrets-encryption, aescbc), and one writing a Metadata-level audit log of every request.
// Each server runs as its own process without components; rounds alternate and the best counts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bestRound, connect, createMany, leastCpu, must, type Conn, type Round } from './lib/https.js';
import { cpuSeconds, freePort, nodeArgs, startProcess, stopProcesses } from './lib/processes.js';

const CREATES = Number(process.env['BENCH_CREATES'] ?? 3000);
const CLIENTS = 50;
const MODES = ['plain', 'encrypted', 'audited'] as const;
type Mode = (typeof MODES)[number];


function createSecrets(c: Conn, token: string, prefix: string): Promise<{ rate: number; p99: number }> {
  return createMany(c, token, '/api/v1/namespaces/bench/secrets', CLIENTS, CREATES, (i) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: `${prefix}-${i}` }, data: { password: Buffer.from(`value-${i}-${'x'.repeat(64)}`).toString('base64') } }));
}

async function run(mode: Mode): Promise<Round> {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-bench-hardening-'));
  const port = await freePort();
  const extra: string[] = [];
  if (mode === 'encrypted') extra.push('--secrets-encryption');
  if (mode === 'audited') {
    writeFileSync(join(dir, 'policy.yaml'), 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n');
    extra.push('--audit-policy-file', join(dir, 'policy.yaml'), '--audit-log-path', join(dir, 'audit.log'));
  }
  const args = ['server', '--data-dir', dir, '--https-listen-port', String(port), '--bind-address', '127.0.0.1', '--disable-agent', '--disable-scheduler', '--disable-controller-manager', ...extra];
  const server = await startProcess(`server (${mode})`, args, nodeArgs('BENCH_SERVER_NODE_ARGS'), /listening on/);
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
  try {
    const { c, admin } = connect(dir, port, agent);
    await must(c, admin, 'POST', '/api/v1/namespaces', { metadata: { name: 'bench' } });
    await createSecrets(c, admin, 'warm');
    const cpu = cpuSeconds(server.pid!);
    const r = await createSecrets(c, admin, 'secret');
    return { ...r, cpuMs: ((cpuSeconds(server.pid!) - cpu) * 1000) / CREATES };
  } finally {
    agent.destroy();
    await stopProcesses([server]);
    rmSync(dir, { recursive: true, force: true });
  }
}

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 2);
const results = Object.fromEntries(MODES.map((m) => [m, [] as Round[]])) as Record<Mode, Round[]>;
for (let i = 0; i < ROUNDS; i++) for (const mode of MODES) results[mode].push(await run(mode));
const best = bestRound;
for (const mode of MODES) {
  const b = best(results[mode]);
  const ratio = mode === 'plain' ? '' : `; ${(b.rate / best(results.plain).rate).toFixed(2)}x plain by rate, ${(leastCpu(results.plain) / leastCpu(results[mode])).toFixed(2)}x by CPU`;
  console.log(`${mode}: ${b.rate.toFixed(0)} Secret creates/s, p99 ${b.p99.toFixed(1)} ms, server CPU ${leastCpu(results[mode]).toFixed(3)} ms/create (${CLIENTS} clients, ${CREATES} Secrets, sqlite${ratio})`);
}
