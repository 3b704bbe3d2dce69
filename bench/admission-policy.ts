// ValidatingAdmissionPolicy cost: ConfigMap creates/s at 50 clients and server CPU per create,
// against a server without policies and one with POLICIES policies (3 validations each, one a
// macro over the data's keys) bound to every ConfigMap create. Each server runs as its own
// process on the memory store, without components; rounds alternate, best of each kept.
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bestRound, call, connect, createMany, leastCpu, measureRound, must, type Conn, type Round } from './lib/https.js';
import { freePort, nodeArgs, startProcess, stopProcesses } from './lib/processes.js';

const CREATES = Number(process.env['BENCH_CREATES'] ?? 3000);
const CLIENTS = 50;
const POLICIES = Number(process.env['BENCH_POLICIES'] ?? 10);
const AR = '/apis/admissionregistration.k8s.io/v1';

async function seedPolicies(c: Conn, admin: string): Promise<void> {
  for (let i = 0; i < POLICIES; i++) {
    await must(c, admin, 'POST', `${AR}/validatingadmissionpolicies`, {
      metadata: { name: `policy-${i}` },
      spec: {
        matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['configmaps'] }] },
        variables: [{ name: 'data', expression: 'has(object.data) ? object.data : {}' }],
        validations: [
          { expression: "!object.metadata.name.startsWith('forbidden-')", message: 'reserved name' },
          { expression: 'variables.data.all(k, k.size() <= 253)', message: 'key too long' },
          { expression: `size(variables.data) <= ${100 + i}`, messageExpression: "'too many keys: ' + string(size(variables.data))" },
        ],
      },
    });
    await must(c, admin, 'POST', `${AR}/validatingadmissionpolicybindings`, { metadata: { name: `binding-${i}` }, spec: { policyName: `policy-${i}`, validationActions: ['Deny'] } });
  }
}

function createConfigMaps(c: Conn, token: string, prefix: string): Promise<{ rate: number; p99: number }> {
  return createMany(c, token, '/api/v1/namespaces/bench/configmaps', CLIENTS, CREATES, (i) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${prefix}-${i}`, labels: { app: 'bench' } }, data: { a: 'x'.repeat(64), b: 'y'.repeat(64), c: String(i) } }));
}

async function run(withPolicies: boolean): Promise<Round> {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-bench-vap-'));
  const port = await freePort();
  const args = ['server', '--data-dir', dir, '--datastore-endpoint', 'memory://', '--https-listen-port', String(port), '--bind-address', '127.0.0.1', '--disable-agent', '--disable-scheduler', '--disable-controller-manager'];
  const server = await startProcess(`server (${withPolicies ? 'policies' : 'none'})`, args, nodeArgs('BENCH_SERVER_NODE_ARGS'), /listening on/);
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
  try {
    const { c, admin } = connect(dir, port, agent);
    await must(c, admin, 'POST', '/api/v1/namespaces', { metadata: { name: 'bench' } });
    if (withPolicies) {
      await seedPolicies(c, admin);
      // The policies are in force: a reserved name is refused.
      const refused = await call(c, admin, 'POST', '/api/v1/namespaces/bench/configmaps', { metadata: { name: 'forbidden-x' } });
      if (refused.status !== 422) throw new Error(`policy not enforced: ${refused.status} ${refused.text}`);
    }
    return await measureRound(server.pid!, CREATES, (prefix) => createConfigMaps(c, admin, prefix));
  } finally {
    agent.destroy();
    await stopProcesses([server]);
    rmSync(dir, { recursive: true, force: true });
  }
}

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 2);
const results: Record<'none' | 'policies', Round[]> = { none: [], policies: [] };
for (let i = 0; i < ROUNDS; i++) {
  results.none.push(await run(false));
  results.policies.push(await run(true));
}
const none = bestRound(results.none);
const policies = bestRound(results.policies);
console.log(`no policies: ${none.rate.toFixed(0)} ConfigMap creates/s, p99 ${none.p99.toFixed(1)} ms, server CPU ${leastCpu(results.none).toFixed(3)} ms/create (${CLIENTS} clients, ${CREATES} creates)`);
console.log(`${POLICIES} policies x 3 validations bound to every create: ${policies.rate.toFixed(0)} creates/s, p99 ${policies.p99.toFixed(1)} ms, server CPU ${leastCpu(results.policies).toFixed(3)} ms/create`);
console.log(`policies / none: ${(policies.rate / none.rate).toFixed(2)}x throughput; admission adds ${(leastCpu(results.policies) - leastCpu(results.none)).toFixed(3)} ms CPU per create (${(((leastCpu(results.policies) - leastCpu(results.none)) * 1000) / (POLICIES * 3)).toFixed(1)} µs per expression)`);
