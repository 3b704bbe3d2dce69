// Secrets kept in the data dir: the admin bearer token and the node join token.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

function loadOrCreate(file: string, make: () => string): string {
  if (existsSync(file)) {
    const v = readFileSync(file, 'utf8').trim();
    if (v) return v;
  }
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const v = make();
  writeFileSync(file, `${v}\n`, { mode: 0o600 });
  return v;
}

export function adminToken(dataDir: string): string {
  return loadOrCreate(join(dataDir, 'cred', 'admin.token'), () => randomBytes(32).toString('hex'));
}

/** The shared secret node agents join with: the --token flag when given (and then remembered), else generated. */
export function joinToken(dataDir: string, given?: string): string {
  const file = join(dataDir, 'token');
  if (given) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    writeFileSync(file, `${given}\n`, { mode: 0o600 });
    return given;
  }
  return loadOrCreate(file, () => randomBytes(24).toString('hex'));
}
