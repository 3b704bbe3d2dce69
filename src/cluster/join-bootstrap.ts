// The credential a joining agent starts with: the bearer of its token, over connections verified
// against a CA it got from the token's hash (ca-discovery.ts), from --ca-file, or, for an agent on
// the server's own machine, from the server's data dir.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClientConfig } from '../client/kubeconfig.js';
import { discoverClusterCa } from './ca-discovery.js';
import { caHash, parseJoinToken } from './join-token.js';

export interface JoinOptions {
  server: string;
  token: string;
  /** --ca-file: trusted as given (the token's hash, when it has one, must still match). */
  caFile?: string;
  /** The data dir, whose tls/server-ca.crt a local agent may use when the token carries no hash. */
  dataDir: string;
}

export async function joinBootstrap(o: JoinOptions): Promise<ClientConfig> {
  const token = parseJoinToken(o.token);
  let caPem: string;
  if (o.caFile) {
    caPem = readFileSync(o.caFile, 'utf8');
    if (token.caHash && caHash(caPem) !== token.caHash) throw new Error(`token CA hash does not match the CA in ${o.caFile}`);
  } else if (token.caHash) {
    caPem = await discoverClusterCa(o.server, token.caHash);
  } else {
    const local = join(o.dataDir, 'tls', 'server-ca.crt');
    if (!existsSync(local)) throw new Error('the token carries no CA hash: use the full token (K10…, the server\'s <data-dir>/token) or give --ca-file');
    caPem = readFileSync(local, 'utf8');
  }
  return { server: o.server, token: token.bearer, caPem };
}
