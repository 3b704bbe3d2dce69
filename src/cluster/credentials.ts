// Secrets kept in the data dir: the admin bearer token, and the join tokens' secrets with the
// full tokens (K10<CA hash>::…) written beside them for users to copy, as k3s writes
// server/token and server/agent-token.
import { randomBytes, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { formatJoinToken, parseJoinToken } from './join-token.js';

function readTrimmed(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  return readFileSync(file, 'utf8').trim() || undefined;
}

function writeSecret(file: string, value: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
}

function loadOrCreate(file: string, make: () => string): string {
  const have = readTrimmed(file);
  if (have) return have;
  const v = make();
  writeSecret(file, v);
  return v;
}

export function adminToken(dataDir: string): string {
  return loadOrCreate(join(dataDir, 'cred', 'admin.token'), () => randomBytes(32).toString('hex'));
}

/** Where the full tokens are written for users: `<data-dir>/token` (servers and agents), `<data-dir>/agent-token` (agents only). */
export const tokenFile = (dataDir: string): string => join(dataDir, 'token');
export const agentTokenFile = (dataDir: string): string => join(dataDir, 'agent-token');

/**
 * The server token's secret: from --token (a bare secret or a full token) and then remembered,
 * else the one kept, else generated. Data dirs of earlier versions kept it bare in <data-dir>/token.
 */
export function serverTokenSecret(dataDir: string, given?: string): string {
  const file = join(dataDir, 'cred', 'server-token.secret');
  if (given) {
    const secret = parseJoinToken(given).bearer;
    writeSecret(file, secret);
    return secret;
  }
  return loadOrCreate(file, () => {
    const legacy = readTrimmed(tokenFile(dataDir));
    return legacy && !legacy.startsWith('K10') ? legacy : randomBytes(24).toString('hex');
  });
}

/** The --agent-token secret (given once, then remembered); undefined when agents join with the server token. */
export function agentTokenSecret(dataDir: string, given?: string): string | undefined {
  const file = join(dataDir, 'cred', 'agent-token.secret');
  if (given) {
    const secret = parseJoinToken(given).bearer;
    writeSecret(file, secret);
    return secret;
  }
  return readTrimmed(file);
}

/** Writes the full tokens for this CA, which a joiner checks the server against. */
export function writeJoinTokens(dataDir: string, caPem: string, server: string, agent?: string): void {
  writeSecret(tokenFile(dataDir), formatJoinToken(caPem, `server:${server}`));
  if (agent) writeSecret(agentTokenFile(dataDir), formatJoinToken(caPem, `node:${agent}`));
}

/**
 * This server's name in leader election (`<host>_<uuid>`, as upstream's components name
 * themselves), kept in the data dir so that a restart renews its own lease instead of waiting
 * out the previous process's.
 */
export function serverIdentity(dataDir: string): string {
  return `${hostname()}_${loadOrCreate(join(dataDir, 'cred', 'server-id'), () => randomUUID())}`;
}
