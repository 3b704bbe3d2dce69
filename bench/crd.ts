// Custom resource creates/s against ConfigMap creates/s of the same size, in the same server
// and run: a CRD whose spec has 50 typed fields (strings with lengths and patterns, bounded
// integers, an enum, a default) and 3 CEL rules, against ConfigMaps with 50 data keys holding
// the same values. Rounds alternate between the two; the best of each is kept. Goal: ≥ 0.8x.
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bestRound, call, connect, createMany, leastCpu, measureRound, must, type Round } from './lib/https.js';
import { freePort, nodeArgs, startProcess, stopProcesses } from './lib/processes.js';

const CREATES = Number(process.env['BENCH_CREATES'] ?? 3000);
const CLIENTS = 50;
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const FIELDS = 50;

function fieldSchema(i: number): Record<string, unknown> {
  switch (i % 5) {
    case 0: return { type: 'string', maxLength: 64, pattern: '^[a-z0-9-]*$' };
    case 1: return { type: 'integer', minimum: 0, maximum: 1_000_000 };
    case 2: return { type: 'string', enum: ['red', 'green', 'blue'] };
    case 3: return { type: 'boolean', default: false };
    default: return { type: 'string', minLength: 1, maxLength: 128 };
  }
}

function fieldValue(i: number, n: number): unknown {
  switch (i % 5) {
    case 0: return `value-${n}-${i}`;
    case 1: return n * 7 + i;
    case 2: return 'green';
    case 3: return true;
    default: return `some text for field ${i} of object ${n}`;
  }
}

const CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'benches.bench.k8ts.io' },
  spec: {
    group: 'bench.k8ts.io',
    names: { kind: 'Bench', plural: 'benches' },
    scope: 'Namespaced',
    versions: [{
      name: 'v1',
      served: true,
      storage: true,
      schema: {
        openAPIV3Schema: {
          type: 'object',
          properties: {
            spec: {
              type: 'object',
              required: ['f0', 'f1'],
              'x-kubernetes-validations': [
                { rule: 'self.f1 < self.f6 + 1000000', message: 'f1 is out of range' },
                { rule: "self.f0.startsWith('value-')", message: 'f0 must start with value-' },
                { rule: "!has(self.f4) || size(self.f4) <= 128", messageExpression: "'f4 is too long: ' + string(size(self.f4))" },
              ],
              properties: Object.fromEntries(Array.from({ length: FIELDS }, (_, i) => [`f${i}`, fieldSchema(i)])),
            },
          },
        },
      },
    }],
  },
};

function customResource(prefix: string, n: number): unknown {
  const spec = Object.fromEntries(Array.from({ length: FIELDS }, (_, i) => [`f${i}`, fieldValue(i, n)]));
  return { apiVersion: 'bench.k8ts.io/v1', kind: 'Bench', metadata: { name: `${prefix}-${n}` }, spec };
}

function configMap(prefix: string, n: number): unknown {
  const data = Object.fromEntries(Array.from({ length: FIELDS }, (_, i) => [`f${i}`, String(fieldValue(i, n))]));
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${prefix}-${n}` }, data };
}

const dir = mkdtempSync(join(tmpdir(), 'k8ts-bench-crd-'));
const port = await freePort();
const args = ['server', '--data-dir', dir, '--datastore-endpoint', 'memory://', '--https-listen-port', String(port), '--bind-address', '127.0.0.1', '--disable-agent', '--disable-scheduler', '--disable-controller-manager'];
const server = await startProcess('server', args, nodeArgs('BENCH_SERVER_NODE_ARGS'), /listening on/);
const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
const results: Record<'configmaps' | 'custom', Round[]> = { configmaps: [], custom: [] };
try {
  const { c, admin } = connect(dir, port, agent);
  await must(c, admin, 'POST', '/api/v1/namespaces', { metadata: { name: 'bench' } });
  await must(c, admin, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', CRD);
  for (let i = 0; ; i++) {
    const r = await call(c, admin, 'GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/benches.bench.k8ts.io');
    if (/"type":"Established","status":"True"/.test(r.text)) break;
    if (i > 200) throw new Error(`CRD not established: ${r.text}`);
    await new Promise((res) => setTimeout(res, 50));
  }
  // The schema and the rules are in force.
  const refused = await call(c, admin, 'POST', '/apis/bench.k8ts.io/v1/namespaces/bench/benches', { apiVersion: 'bench.k8ts.io/v1', kind: 'Bench', metadata: { name: 'bad' }, spec: { f0: 'nope', f1: 1 } });
  if (refused.status !== 422 || !refused.text.includes('f0 must start with value-')) throw new Error(`rules not enforced: ${refused.status} ${refused.text}`);
  for (let round = 0; round < ROUNDS; round++) {
    results.configmaps.push(await measureRound(server.pid!, CREATES, (prefix) => createMany(c, admin, '/api/v1/namespaces/bench/configmaps', CLIENTS, CREATES, (n) => configMap(`${prefix}-${round}`, n))));
    results.custom.push(await measureRound(server.pid!, CREATES, (prefix) => createMany(c, admin, '/apis/bench.k8ts.io/v1/namespaces/bench/benches', CLIENTS, CREATES, (n) => customResource(`${prefix}-${round}`, n))));
  }
} finally {
  agent.destroy();
  await stopProcesses([server]);
  rmSync(dir, { recursive: true, force: true });
}
const cm = bestRound(results.configmaps);
const cr = bestRound(results.custom);
console.log(`ConfigMaps (${FIELDS} data keys): ${cm.rate.toFixed(0)} creates/s, p99 ${cm.p99.toFixed(1)} ms, server CPU ${leastCpu(results.configmaps).toFixed(3)} ms/create (${CLIENTS} clients, ${CREATES} creates)`);
console.log(`custom resources (${FIELDS}-field schema, 3 CEL rules): ${cr.rate.toFixed(0)} creates/s, p99 ${cr.p99.toFixed(1)} ms, server CPU ${leastCpu(results.custom).toFixed(3)} ms/create`);
console.log(`custom / ConfigMap: ${(cr.rate / cm.rate).toFixed(2)}x throughput (goal >= 0.8x)`);
