// The httpGet probe, as upstream's pkg/probe/http: GET with kube-probe's User-Agent and
// `Accept: */*`, no keep-alive, TLS unverified, redirects followed only to the same host, and
// 200 ≤ status < 400 passing (a redirect it may not follow passes with a warning).
import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Container, HTTPGetAction } from '../../api/core/v1/pod/types.js';
import { dialErrorText, joinHostPort, PROBE_USER_AGENT, type ProbeOutcome } from './outcome.js';
import { resolveContainerPort } from './port.js';

const MAX_BODY = 10 * 1024;
const MAX_REDIRECTS = 10;
const FOLLOWED = new Set([301, 302, 303, 307, 308]);

export interface HttpProbeRequest {
  url: URL;
  /** Header name/value pairs in order (names may repeat). */
  headers: Array<[string, string]>;
}

/** Upstream's NewRequestForHTTPGetAction; throws for a port that does not resolve. */
export function httpProbeRequest(action: HTTPGetAction, container: Container, podIP: string): HttpProbeRequest {
  const scheme = (action.scheme || 'HTTP').toLowerCase();
  const port = resolveContainerPort(action.port, container);
  const host = action.host || podIP;
  const url = new URL(action.path ?? '', `${scheme}://${joinHostPort(host, port)}`);
  const headers: Array<[string, string]> = (action.httpHeaders ?? []).map((h) => [h.name, h.value]);
  const has = (name: string) => headers.some(([k]) => k.toLowerCase() === name);
  if (!has('user-agent')) headers.push(['User-Agent', PROBE_USER_AGENT]);
  if (!has('accept')) headers.push(['Accept', '*/*']);
  else if (headers.find(([k]) => k.toLowerCase() === 'accept')![1] === '') {
    // An explicitly empty Accept means "send none".
    for (let i = headers.length - 1; i >= 0; i--) if (headers[i]![0].toLowerCase() === 'accept') headers.splice(i, 1);
  }
  return { url, headers };
}

function toNodeHeaders(pairs: Array<[string, string]>, keepHost: boolean): OutgoingHttpHeaders {
  const out: Record<string, string[]> = {};
  for (const [k, v] of pairs) {
    const key = k.toLowerCase();
    if (key === 'host' && (!keepHost || !v)) continue;
    (out[key] ??= []).push(v);
  }
  const flat: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(out)) flat[k] = k === 'host' ? v[0]! : v.length === 1 ? v[0]! : v;
  return flat;
}

interface Exchange {
  res: IncomingMessage;
  body: string;
}

function getOnce(url: URL, headers: OutgoingHttpHeaders, signal: AbortSignal): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, { method: 'GET', headers, agent: false, signal, rejectUnauthorized: false }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size >= MAX_BODY) return;
        chunks.push(c);
        size += c.length;
        // Enough read: the rest of the body does not matter.
        if (size >= MAX_BODY) res.destroy();
      });
      const done = () => resolve({ res, body: Buffer.concat(chunks).subarray(0, MAX_BODY).toString('utf8') });
      res.on('end', done);
      res.on('close', done);
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Runs the probe request within the timeout, following same-host redirects. */
export async function httpProbe(r: HttpProbeRequest, timeoutSeconds: number, signal?: AbortSignal): Promise<ProbeOutcome> {
  const controller = new AbortController();
  const aborted = signal ? AbortSignal.any([controller.signal, signal]) : controller.signal;
  const timer = setTimeout(() => controller.abort(), timeoutSeconds * 1000);
  const firstHost = r.url.hostname;
  let url = r.url;
  let keepHost = true;
  try {
    for (let hops = 0; ; hops++) {
      let ex: Exchange;
      try {
        ex = await getOnce(url, toNodeHeaders(r.headers, keepHost), aborted);
      } catch (err) {
        const why = controller.signal.aborted ? 'context deadline exceeded (Client.Timeout exceeded while awaiting headers)' : dialErrorText(joinHostPort(url.hostname.replace(/^\[|\]$/g, ''), Number(url.port) || (url.protocol === 'https:' ? 443 : 80)), err as Error);
        return { result: 'failure', output: `Get ${JSON.stringify(url.href)}: ${why}` };
      }
      const status = ex.res.statusCode ?? 0;
      const location = ex.res.headers.location;
      if (FOLLOWED.has(status) && location) {
        const next = new URL(location, url);
        if (next.hostname === firstHost) {
          if (hops + 1 >= MAX_REDIRECTS) return { result: 'failure', output: `Get ${JSON.stringify(next.href)}: stopped after ${MAX_REDIRECTS} redirects` };
          // A custom Host header survives only relative redirects.
          keepHost &&= !/^[a-z][a-z0-9+.-]*:/i.test(location);
          url = next;
          continue;
        }
      }
      if (status >= 200 && status < 400) {
        if (status >= 300) return { result: 'warning', output: `Probe terminated redirects, Response body: ${ex.body}` };
        return { result: 'success', output: ex.body };
      }
      // The body stays out of the message: it may hold anything (upstream issue 99425).
      return { result: 'failure', output: `HTTP probe failed with statuscode: ${status}` };
    }
  } finally {
    clearTimeout(timer);
  }
}
