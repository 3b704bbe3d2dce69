// Authorization cost (issue 11): pod creates/s and p99 latency at 50 clients by a user from a
// token file, against a server in AlwaysAllow mode and one in the default Node,RBAC mode, both holding 1,000 Roles
// and 1,000 RoleBindings beside the one that grants the user its rights (goal: RBAC >= 0.9x).
// Each server runs as its own process on the memory store, without components.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bestRound, connect, createMany, leastCpu, measureRound, must, type Conn, type Round } from './lib/https.js';
import { freePort, nodeArgs, startProcess, stopProcesses } from './lib/processes.js';

const CREATES = Number(process.env['BENCH_CREATES'] ?? 3000);
const CLIENTS = 50;
const POLICY_OBJECTS = 1000;
const USER_TOKEN = 'bench-user-token';

const RBAC = '/apis/rbac.authorization.k8s.io/v1/namespaces/bench';

/** The user's own grant, and POLICY_OBJECTS Roles and RoleBindings for other users in the same namespace. */
async function seedPolicy(c: Conn, admin: string): Promise<void> {
  await must(c, admin, 'POST', `${RBAC}/roles`, { metadata: { name: 'pod-writer' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['create', 'get', 'list'] }] });
  await must(c, admin, 'POST', `${RBAC}/rolebindings`, { metadata: { name: 'bench-user' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-writer' }, subjects: [{ kind: 'User', name: 'bench-user' }] });
  for (let i = 0; i < POLICY_OBJECTS; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, POLICY_OBJECTS - i) }, async (_, j) => {
        const n = i + j;
        await must(c, admin, 'POST', `${RBAC}/roles`, { metadata: { name: `role-${n}` }, rules: [{ apiGroups: [''], resources: ['configmaps', `things-${n}`], verbs: ['get', 'list'] }] });
        await must(c, admin, 'POST', `${RBAC}/rolebindings`, { metadata: { name: `binding-${n}` }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `role-${n}` }, subjects: [{ kind: 'User', name: `user-${n}` }, { kind: 'Group', name: `group-${n}` }] });
      }),
    );
  }
}

function createPods(c: Conn, prefix: string): Promise<{ rate: number; p99: number }> {
  return createMany(c, USER_TOKEN, '/api/v1/namespaces/bench/pods', CLIENTS, CREATES, (i) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `${prefix}-${i}` }, spec: { containers: [{ name: 'app', image: 'busybox:1.36' }] } }));
}

async function run(mode: 'AlwaysAllow' | 'RBAC'): Promise<Round> {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-bench-authz-'));
  const tokens = join(dir, 'tokens.csv');
  writeFileSync(tokens, `${USER_TOKEN},bench-user,bench-uid\n`);
  const port = await freePort();
  const args = ['server', '--data-dir', dir, '--datastore-endpoint', 'memory://', '--https-listen-port', String(port), '--bind-address', '127.0.0.1', '--disable-agent', '--disable-scheduler', '--disable-controller-manager', '--authorization-mode', mode === 'RBAC' ? 'Node,RBAC' : mode, '--token-auth-file', tokens];
  const server = await startProcess(`server (${mode})`, args, nodeArgs('BENCH_SERVER_NODE_ARGS'), /listening on/);
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
  try {
    const { c, admin } = connect(dir, port, agent);
    await must(c, admin, 'POST', '/api/v1/namespaces', { metadata: { name: 'bench' } });
    // Both servers hold the same objects and get the same warm-up: only the authorizer differs.
    await seedPolicy(c, admin);
    return await measureRound(server.pid!, CREATES, (prefix) => createPods(c, prefix));
  } finally {
    agent.destroy();
    await stopProcesses([server]);
    rmSync(dir, { recursive: true, force: true });
  }
}

// Alternating rounds, best of each: the machine is shared, and one round's noise is not the mode's cost.
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 2);
const results: Record<'AlwaysAllow' | 'RBAC', Round[]> = { AlwaysAllow: [], RBAC: [] };
for (let i = 0; i < ROUNDS; i++) for (const mode of ['AlwaysAllow', 'RBAC'] as const) results[mode].push(await run(mode));
const best = bestRound;
const allow = best(results.AlwaysAllow);
const rbac = best(results.RBAC);
const rounds = (rs: Round[]) => rs.map((r) => `${r.rate.toFixed(0)}/s ${r.cpuMs.toFixed(3)} ms cpu`).join(', ');
console.log(`AlwaysAllow: ${allow.rate.toFixed(0)} creates/s, p99 ${allow.p99.toFixed(1)} ms, server CPU ${leastCpu(results.AlwaysAllow).toFixed(3)} ms/create (${CLIENTS} clients, ${CREATES} pods; rounds ${rounds(results.AlwaysAllow)})`);
console.log(`Node,RBAC (the default) with ${POLICY_OBJECTS} Roles + ${POLICY_OBJECTS} RoleBindings: ${rbac.rate.toFixed(0)} creates/s, p99 ${rbac.p99.toFixed(1)} ms, server CPU ${leastCpu(results.RBAC).toFixed(3)} ms/create (rounds ${rounds(results.RBAC)})`);
console.log(`RBAC / AlwaysAllow: ${(rbac.rate / allow.rate).toFixed(2)}x throughput, ${(leastCpu(results.AlwaysAllow) / leastCpu(results.RBAC)).toFixed(2)}x by server CPU per create (goal >= 0.9x)`);
