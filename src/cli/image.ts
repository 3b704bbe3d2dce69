// `k8ts image`: the node's images. `import` loads image tarballs (OCI layout or `docker save`)
// into the node's containerd, which is how images reach a machine with no registry; `ls` shows
// them as `crictl images` does.
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { containerdSocketPath, endpointSocket, isContainerdListening } from '../kubelet/containerd/supervisor.js';
import { importImageArchive } from '../kubelet/images/import.js';
import { listNodeImages } from '../kubelet/images/list.js';
import { parseImageReference } from '../kubelet/images/reference.js';
import type { Image } from '../kubelet/runtime.js';
import { fail } from './flags.js';

const HELP = `Manage the images of this node's containerd.

Usage:
  k8ts image import FILE... [flags]   Load OCI or docker-archive tarballs
  k8ts image ls [flags]               List images (as crictl images)

Flags:
      --data-dir DIR                     Data folder of the server or agent (default ~/.k8ts, /var/lib/k8ts as root)
      --container-runtime-endpoint EP    containerd to use (default: the node's, under <data-dir>/agent/containerd)
  -q, --quiet                            ls: print image ids only
  -h, --help                             Show this help
`;

/** Go's %.3g, as crictl formats sizes through go-units. */
function goG3(x: number): string {
  const s = x.toPrecision(3);
  const [mant, exp] = s.split('e');
  const trimmed = (mant ?? s).includes('.') ? (mant ?? s).replace(/\.?0+$/, '') : (mant ?? s);
  if (exp === undefined) return trimmed;
  const n = Number(exp);
  return `${trimmed}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
}

/** go-units' HumanSizeWithPrecision(size, 3): decimal units, "2.13MB". */
export function humanSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
  let size = bytes;
  let i = 0;
  while (size >= 1000 && i < units.length - 1) {
    size /= 1000;
    i++;
  }
  return `${goG3(size)}${units[i]}`;
}

/** Go's tabwriter as crictl configures it: columns at least 20 wide, 3 spaces of padding. */
export function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 20, c.length + 3)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('') + '\n').join('');
}

function repoAndTag(ref: string): [string, string] {
  try {
    const r = parseImageReference(ref);
    return [r.repository, r.tag ?? '<none>'];
  } catch {
    return [ref, '<none>'];
  }
}

export function imageRows(images: Image[]): string[][] {
  const rows: string[][] = [['IMAGE', 'TAG', 'IMAGE ID', 'SIZE']];
  const sorted = [...images].sort((a, b) => (a.repoTags[0] ?? a.repoDigests[0] ?? a.id).localeCompare(b.repoTags[0] ?? b.repoDigests[0] ?? b.id));
  for (const img of sorted) {
    const id = img.id.replace(/^sha256:/, '').slice(0, 13);
    const size = humanSize(img.size);
    if (img.repoTags.length === 0) {
      const repo = img.repoDigests[0] ? repoAndTag(img.repoDigests[0].split('@')[0]!)[0] : '<none>';
      rows.push([repo, '<none>', id, size]);
    }
    for (const t of img.repoTags) rows.push([...repoAndTag(t), id, size]);
  }
  return rows;
}

async function defaultDataDir(): Promise<string> {
  return (await import('../cluster/control-plane.js')).defaultDataDir();
}

export async function runImage(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === 'help' || sub === '--help' || sub === '-h') {
    process.stdout.write(HELP);
    return sub === undefined ? 1 : 0;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: {
        'data-dir': { type: 'string' },
        'container-runtime-endpoint': { type: 'string' },
        quiet: { type: 'boolean', short: 'q' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (err) {
    return fail((err as Error).message);
  }
  const { values, positionals: files } = parsed;
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (!['import', 'ls', 'list'].includes(sub)) return fail(`unknown command "${sub}" for "k8ts image"\nRun 'k8ts image --help' for usage.`);
  const endpoint = values['container-runtime-endpoint'] ?? `unix://${containerdSocketPath(join(values['data-dir'] ?? (await defaultDataDir()), 'agent'))}`;
  if (!(await isContainerdListening(endpointSocket(endpoint)))) {
    return fail(`no containerd at ${endpoint}: start the node agent (k8ts agent, or k8ts server) or pass --container-runtime-endpoint`);
  }
  switch (sub) {
    case 'import': {
      if (files.length === 0) return fail('image import needs at least one FILE');
      let failed = 0;
      for (const file of files) {
        try {
          for (const name of await importImageArchive(endpoint, file)) process.stdout.write(`Imported ${name} from ${file}\n`);
        } catch (err) {
          process.stderr.write(`error: ${(err as Error).message}\n`);
          failed++;
        }
      }
      return failed === 0 ? 0 : 1;
    }
    default: {
      if (files.length > 0) return fail(`image ls takes no arguments, got "${files[0]}"`);
      const images = await listNodeImages(endpoint);
      if (values.quiet) process.stdout.write(images.map((i) => `${i.id}\n`).join(''));
      else process.stdout.write(table(imageRows(images)));
      return 0;
    }
  }
}
