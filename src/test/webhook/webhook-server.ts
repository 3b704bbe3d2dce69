// A small admission and conversion webhook for tests and the bench: node: modules only, so the
// compiled file runs by itself (in a pod, from an image holding just node). Paths:
//   /mutate    adds the label webhook.k8ts.io/injected=true and, to a Pod, a `sidecar` container
//   /validate  denies objects named `forbidden-name`, warns on names starting with `warn-`
//   /allow     allows everything (the bench)
//   /sleep     answers after SLEEP_MS (default 5000)
//   /convert   ConversionReview for stable.k8ts.io: v1 spec.size ("3") <-> v2 spec.replicas (3)
//   /garbage   answers 200 with a body that is not JSON
//   /stats     GET: {count, handlingMs[]} of the admission requests served, then resets
// Env: TLS_CERT, TLS_KEY (PEM file paths), PORT (default 8443).
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { createServer } from 'node:https';

interface Review {
  apiVersion?: string;
  kind?: string;
  request?: { uid: string; name?: string; object?: Record<string, any> | null; kind?: { kind: string } };
}

interface ConversionReview {
  apiVersion?: string;
  request?: { uid: string; desiredAPIVersion: string; objects: Record<string, any>[] };
}

const handlingMs: number[] = [];

function send(res: ServerResponse, code: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function admissionResponse(review: Review, response: Record<string, unknown>): unknown {
  return { apiVersion: review.apiVersion ?? 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: review.request?.uid, ...response } };
}

function mutate(review: Review): Record<string, unknown> {
  const obj = review.request?.object ?? {};
  const patch: unknown[] = [];
  if (!obj.metadata?.labels) patch.push({ op: 'add', path: '/metadata/labels', value: {} });
  patch.push({ op: 'add', path: '/metadata/labels/webhook.k8ts.io~1injected', value: 'true' });
  const containers = obj.spec?.containers as { name: string; image: string }[] | undefined;
  if (review.request?.kind?.kind === 'Pod' && containers && !containers.some((c) => c.name === 'sidecar')) {
    patch.push({ op: 'add', path: '/spec/containers/-', value: { name: 'sidecar', image: containers[0]?.image ?? 'busybox', command: ['sleep', '3600'] } });
  }
  return { allowed: true, patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(patch)).toString('base64') };
}

function validate(review: Review): Record<string, unknown> {
  const name = review.request?.name ?? review.request?.object?.metadata?.name ?? '';
  if (name === 'forbidden-name') return { allowed: false, status: { code: 403, message: `the name ${name} is not allowed` } };
  if (name.startsWith('warn-')) return { allowed: true, warnings: [`the name ${name} is discouraged`] };
  return { allowed: true };
}

function convert(review: ConversionReview): unknown {
  const req = review.request!;
  const convertedObjects = req.objects.map((o) => {
    const out = structuredClone(o);
    const spec = (out.spec ??= {});
    if (req.desiredAPIVersion === 'stable.k8ts.io/v2' && o.apiVersion === 'stable.k8ts.io/v1') {
      if (spec.size !== undefined) spec.replicas = Number(spec.size);
      delete spec.size;
    } else if (req.desiredAPIVersion === 'stable.k8ts.io/v1' && o.apiVersion === 'stable.k8ts.io/v2') {
      if (spec.replicas !== undefined) spec.size = String(spec.replicas);
      delete spec.replicas;
    }
    out.apiVersion = req.desiredAPIVersion;
    return out;
  });
  return { apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview', response: { uid: req.uid, convertedObjects, result: { status: 'Success' } } };
}

const server = createServer({ cert: readFileSync(process.env['TLS_CERT']!), key: readFileSync(process.env['TLS_KEY']!) }, (req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method === 'GET' && path === '/stats') {
    send(res, 200, { count: handlingMs.length, handlingMs });
    handlingMs.length = 0;
    return;
  }
  if (req.method === 'GET' && path === '/healthz') return send(res, 200, 'ok');
  const chunks: Buffer[] = [];
  req.on('data', (d: Buffer) => chunks.push(d));
  req.on('end', () => {
    // Measured from the whole body's arrival to the answer: the webhook's own time.
    const start = process.hrtime.bigint();
    const done = (code: number, body: unknown) => {
      send(res, code, body);
      handlingMs.push(Number(process.hrtime.bigint() - start) / 1e6);
    };
    let body: any;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return done(400, { error: 'not JSON' });
    }
    switch (path) {
      case '/mutate': return done(200, admissionResponse(body, mutate(body)));
      case '/validate': return done(200, admissionResponse(body, validate(body)));
      case '/allow': return done(200, admissionResponse(body, { allowed: true }));
      case '/sleep': {
        setTimeout(() => done(200, admissionResponse(body, { allowed: true })), Number(process.env['SLEEP_MS'] ?? 5000));
        return;
      }
      case '/convert': return done(200, convert(body));
      case '/garbage': return done(200, 'this is { not json');
      default: return done(404, { error: `no handler for ${path}` });
    }
  });
});

server.listen(Number(process.env['PORT'] ?? 8443), process.env['HOST'] ?? '0.0.0.0', () => {
  const a = server.address();
  console.log(`webhook server listening on ${typeof a === 'object' && a ? a.port : a}`);
});

for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => server.close(() => process.exit(0)));
