// How a joiner comes to trust a server it has never seen: it reads the CA bundle at /cacerts over
// a connection it does not verify yet, and keeps it only if its sha256 is the one in the token
// (k3s's agents do the same). Everything after runs over connections verified against that CA.
import { request } from 'node:https';
import { CACERTS_PATH } from '../apiserver/handlers/cacerts.js';
import { caHash } from './join-token.js';

const MAX_BUNDLE_BYTES = 1 << 20;

/** GET <server>/cacerts without verifying the server (only the hash check makes the answer trusted). */
function fetchUnverified(server: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const url = new URL(CACERTS_PATH, server);
    const req = request(url, { method: 'GET', rejectUnauthorized: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BUNDLE_BYTES) req.destroy(new Error('the CA bundle is larger than 1 MiB'));
        else chunks.push(c);
      });
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`GET ${url.href} answered ${res.statusCode}`));
        resolve(Buffer.concat(chunks).toString('utf8'));
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url.href} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** The server's CA bundle, once its hash matches the token's; a one-line error otherwise. */
export async function discoverClusterCa(server: string, expectedHash: string, timeoutMs = 10_000): Promise<string> {
  let bundle: string;
  try {
    bundle = await fetchUnverified(server, timeoutMs);
  } catch (err) {
    throw new Error(`could not read the cluster CA from ${server}: ${(err as Error).message}`);
  }
  const got = caHash(bundle);
  if (got !== expectedHash) {
    throw new Error(`token CA hash does not match the Cluster CA certificate hash: ${got} != ${expectedHash} (is --server the cluster the token came from?)`);
  }
  return bundle;
}
