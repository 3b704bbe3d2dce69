// The ingress data plane (issue 10, point 7): requests/s and p99 with `wrk` through the k8ts
// ingress (nginx configured by the controller from an Ingress) to a pod on a real node, against,
// in the same run and to the same pod, Debian's nginx configured by hand as a plain reverse proxy
// (the reference; goal ≥ 0.85×), and a minimal reverse proxy in Node (http module, keep-alive
// upstream agent): the alternative the data plane was chosen against (docs/ingress.md).
// Two upstreams: the pod (busybox httpd, one fork per connection: what a user's pod may well be)
// and a static nginx on loopback, fast enough that the proxy in front is what is measured.
// Every proxy gets one worker (the machine has 2 cores; wrk takes the other). Needs root, nginx,
// wrk, containerd, runc and the CNI plugins.
// BENCH_SECONDS (default 5) per run, BENCH_ROUNDS (default 3, interleaved; the best round counts: the machine is shared),
// BENCH_CONNECTIONS (default 32).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadKubeconfig } from '../src/client/kubeconfig.js';
import { startIngressController, type RunningIngressController } from '../src/ingress/controller.js';
import { eventually } from '../src/test/harness.js';
import { podYaml, startNodeTestCluster, TEST_IMAGE, type NodeTestCluster } from '../src/test/node-harness.js';
import { freePort } from './lib/processes.js';

const run = promisify(execFile);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 5);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 32);
const HOST = 'bench.example.test';

interface Figure {
  rps: number;
  p99ms: number;
  errors: number;
}

/** wrk's "Requests/sec" and the 99% line of --latency, in ms; non-2xx and socket errors counted. */
export function parseWrk(out: string): Figure {
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const m = /\s99%\s+([\d.]+)(us|ms|s)\b/.exec(out);
  const scale = { us: 0.001, ms: 1, s: 1000 } as const;
  const p99ms = m ? Number(m[1]) * scale[m[2] as keyof typeof scale] : NaN;
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const errors = non2xx + (sock ? sock.slice(1).reduce((a, b) => a + Number(b), 0) : 0);
  return { rps, p99ms, errors };
}

async function wrk(port: number): Promise<Figure> {
  const { stdout } = await run('wrk', ['-t1', `-c${CONNECTIONS}`, `-d${SECONDS}s`, '--latency', '-H', `Host: ${HOST}`, `http://127.0.0.1:${port}/`], { maxBuffer: 1 << 20 });
  return parseWrk(stdout);
}

function startNginx(dir: string, conf: string): ChildProcess {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'nginx.conf'), conf);
  return spawn('/usr/sbin/nginx', ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log'), '-g', 'daemon off;'], { stdio: 'inherit' });
}

const common = (dir: string) => `worker_processes 1;
pid ${dir}/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  keepalive_requests 10000;
`;

/** The reference: nginx as the Debian package ships it, configured as a reverse proxy by hand. */
const referenceConf = (dir: string, port: number, upstream: string) => `${common(dir)}
  upstream pod { server ${upstream}; keepalive 64; }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://pod;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
    }
  }
}
`;

/** A static upstream fast enough that the proxy in front of it is the bottleneck. */
const staticConf = (dir: string, addr: string, port: number) => `${common(dir)}
  server { listen ${addr}:${port}; location / { return 200 "static\\n"; } }
}
`;

/** The hand-written alternative: a keep-alive reverse proxy on node:http, one process. */
const NODE_PROXY = `
const http = require('node:http');
const [port, host, upstreamPort] = process.argv.slice(1);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
http.createServer((req, res) => {
  const headers = { ...req.headers, 'x-forwarded-for': req.socket.remoteAddress, 'x-forwarded-proto': 'http' };
  const up = http.request({ host, port: Number(upstreamPort), method: req.method, path: req.url, headers, agent }, (r) => {
    res.writeHead(r.statusCode, r.headers);
    r.pipe(res);
  });
  up.on('error', () => { res.statusCode = 502; res.end(); });
  req.pipe(up);
}).listen(Number(port), '127.0.0.1');
`;

async function main(): Promise<void> {
  const children: ChildProcess[] = [];
  let c: NodeTestCluster | undefined;
  let ingress: RunningIngressController | undefined;
  try {
    c = await startNodeTestCluster();
    await c.apply(podYaml('bench-web', { containers: [{ name: 'httpd', image: TEST_IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', 'mkdir -p /www && echo bench > /www/index.html && exec httpd -f -p 80 -h /www'] }] }, { labels: { app: 'bench-web' } }));
    const pod = await c.waitPod('bench-web', (p) => p.status?.conditions?.some((x: any) => x.type === 'Ready' && x.status === 'True'), 60_000);
    const podIP = pod.status.podIP as string;
    // The host's address on the pod bridge (the pod is up, so the bridge is): an endpoint may not be loopback.
    const gateway = c.podCIDR.replace(/\.0\/24$/, '.1');
    const staticPort = await freePort();
    children.push(startNginx(join(c.dataDir, 'static'), staticConf(join(c.dataDir, 'static'), gateway, staticPort)));

    const upstreams = [
      { label: 'pod (busybox httpd)', addr: podIP, port: 80, body: 'bench' },
      { label: 'static nginx on the host', addr: gateway, port: staticPort, body: 'static' },
    ];
    // The pod behind a Service; the static server behind a selector-less Service and a manual
    // EndpointSlice (the ingress balances over endpoints, not the ClusterIP).
    await c.apply(JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'bench-web' }, spec: { selector: { app: 'bench-web' }, ports: [{ name: 'http', port: 80, targetPort: 80 }] } }));
    const ingressFor = (service: string) => JSON.stringify({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'bench' }, spec: { rules: [{ host: HOST, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: service, port: { number: 80 } } } }] } }] } });
    const probe = (port: number, body: string) => run('curl', ['-s', '-H', `Host: ${HOST}`, `http://127.0.0.1:${port}/`]).then((r) => r.stdout.trim() === body, () => false);
    const httpPort = await freePort();
    ingress = await startIngressController(loadKubeconfig(c.kubeconfig), { nodeName: c.nodeName, dataDir: join(c.dataDir, 'ingress'), httpPort, httpsPort: await freePort(), listen: ['127.0.0.1'], workers: 1 });
    await c.apply(ingressFor('bench-web'));

    console.log(`ingress bench: wrk -t1 -c${CONNECTIONS} -d${SECONDS}s, ${ROUNDS} interleaved rounds (best counts), one worker per proxy`);
    for (const up of upstreams) {
      if (up.addr === gateway) {
        await c.apply(JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'bench-static' }, spec: { ports: [{ name: 'http', port: 80, targetPort: up.port }] } }));
        await c.apply(JSON.stringify({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'bench-static', labels: { 'kubernetes.io/service-name': 'bench-static', 'endpointslice.kubernetes.io/managed-by': 'bench' } }, addressType: 'IPv4', ports: [{ name: 'http', port: up.port, protocol: 'TCP' }], endpoints: [{ addresses: [gateway], conditions: { ready: true } }] }));
        await c.apply(ingressFor('bench-static'));
      }
      await eventually(() => probe(httpPort, up.body), 30_000, 200);
      const refPort = await freePort();
      const refDir = join(c.dataDir, `ref-${up.port}`);
      const ref = startNginx(refDir, referenceConf(refDir, refPort, `${up.addr}:${up.port}`));
      const nodePort = await freePort();
      const node = spawn(process.execPath, ['-e', NODE_PROXY, String(nodePort), up.addr, String(up.port)], { stdio: 'inherit' });
      children.push(ref, node);
      await eventually(() => probe(refPort, up.body), 10_000, 100);
      await eventually(() => probe(nodePort, up.body), 10_000, 100);
      const reloadsBefore = ingress.controller.nginx.reloads;
      const best: Record<string, Figure> = {};
      const targets = { 'debian nginx (reference)': refPort, 'k8ts ingress': httpPort, 'node:http proxy': nodePort };
      for (let r = 0; r < ROUNDS; r++) {
        for (const [name, port] of Object.entries(targets)) {
          const f = await wrk(port);
          if (!best[name] || f.rps > best[name]!.rps) best[name] = f;
        }
      }
      console.log(`\nupstream: ${up.label}`);
      const refRps = best['debian nginx (reference)']!.rps;
      for (const [name, f] of Object.entries(best)) {
        console.log(`  ${name.padEnd(26)} ${f.rps.toFixed(0).padStart(8)} req/s   p99 ${f.p99ms.toFixed(2).padStart(7)} ms   errors ${f.errors}   ratio ${(f.rps / refRps).toFixed(2)}×`);
      }
      // A steady cluster (node heartbeats, status writes) must not reload nginx under load.
      console.log(`  ingress reloads during the runs: ${ingress.controller.nginx.reloads - reloadsBefore}`);
      ref.kill('SIGTERM');
      node.kill('SIGTERM');
    }
  } finally {
    for (const ch of children) ch.kill('SIGTERM');
    await ingress?.stop();
    await c?.stop();
  }
}

await main();
