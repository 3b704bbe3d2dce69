// `k8ts secrets-encrypt status|rotate-keys`, as k3s's: what encrypts Secrets at rest, and a new
// key for the configuration `--secrets-encryption` generated. The API server rewrites every
// Secret with the new key when it next starts, and keeps the old keys to read what it has not
// rewritten yet.
import { existsSync } from 'node:fs';
import { defaultDataDir } from '../cluster/control-plane.js';
import { describeEncryption, generatedEncryptionConfigPath, rotateGeneratedKey } from '../cluster/secrets-encryption.js';
import { fail, parseFlags } from './flags.js';

const HELP = `Control Secrets encryption at rest.

Usage:
  k8ts secrets-encrypt status [flags]       Show whether Secrets are encrypted and which key writes
  k8ts secrets-encrypt rotate-keys [flags]  Put a new aescbc key first; the server re-encrypts every Secret with it

Flags:
      --data-dir DIR                     The server's data dir (default ~/.k8ts, /var/lib/k8ts as root)
      --encryption-provider-config FILE  Show this configuration instead of the generated one (status only)
  -h, --help                             Show this help
`;

export async function runSecretsEncrypt(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '-h' || sub === '--help' || sub === 'help') {
    process.stdout.write(HELP);
    return sub === undefined ? 1 : 0;
  }
  const values = parseFlags(rest, { 'data-dir': { type: 'string' }, 'encryption-provider-config': { type: 'string' } }, HELP);
  if (typeof values === 'number') return values;
  const dataDir = values['data-dir'] ?? defaultDataDir();
  const file = values['encryption-provider-config'] ?? generatedEncryptionConfigPath(dataDir);
  switch (sub) {
    case 'status':
      process.stdout.write(describeEncryption(file, dataDir));
      return 0;
    case 'rotate-keys': {
      if (values['encryption-provider-config']) return fail('rotate-keys rotates the generated configuration; edit your own file to add a key first');
      if (!existsSync(file)) return fail(`${file} does not exist: start the server with --secrets-encryption first`);
      const name = rotateGeneratedKey(file);
      process.stdout.write(`new key ${name} written to ${file}; a running server re-encrypts every Secret with it within seconds, a stopped one when it starts (see status)\n`);
      return 0;
    }
    default:
      return fail(`unknown secrets-encrypt command "${sub}": status or rotate-keys`);
  }
}
