// The node's CNI network: one conflist that containerd's CRI loads (max_conf_num = 1) for every
// pod sandbox. bridge + host-local give each pod an address from the node's pod CIDR behind a
// gateway on the bridge; portmap serves hostPort. containerd adds the loopback plugin itself
// (go-cni's WithLoNetwork), so it is not listed here.
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { isIPv4, isIPv6 } from 'node:net';
import { dirname, join } from 'node:path';

export const CNI_CONFLIST_NAME = '10-k8ts.conflist';
// Debian's containernetworking-plugins (1.1.1) and containerd 1.6's libcni both speak 1.0.0.
export const CNI_VERSION = '1.0.0';

export interface CniOptions {
  podCIDR: string;
  /** Linux bridge the pods' veths attach to (at most 15 characters). */
  bridge: string;
  mtu?: number;
  /** Network name (default k8ts). */
  name?: string;
  /** host-local's lease directory (default <confDir>/../networks, under the agent data dir). */
  dataDir?: string;
  /**
   * The bridge plugin masquerades pods' traffic leaving the node's own range (default). Off when
   * the pod network routes between nodes and masquerades only what leaves the cluster.
   */
  ipMasq?: boolean;
}

/** Parses an IPv4 or IPv6 CIDR; throws a one-line error when it is not one. */
export function parseCidr(cidr: string): { ip: string; prefix: number; family: 4 | 6 } {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(cidr.trim());
  const ip = m?.[1] ?? '';
  const prefix = Number(m?.[2]);
  const family = isIPv4(ip) ? 4 : isIPv6(ip) ? 6 : 0;
  if (!m || family === 0 || prefix > (family === 4 ? 32 : 128)) throw new Error(`invalid pod CIDR "${cidr}"`);
  return { ip, prefix, family: family as 4 | 6 };
}

export function cniConflist(o: CniOptions & { dataDir: string }): object {
  const cidr = parseCidr(o.podCIDR);
  if (!/^[A-Za-z0-9_.-]{1,15}$/.test(o.bridge)) throw new Error(`invalid bridge name "${o.bridge}": 1-15 letters, digits, '_', '.', '-'`);
  if (o.mtu !== undefined && (!Number.isInteger(o.mtu) || o.mtu < 576 || o.mtu > 65535)) throw new Error(`invalid MTU ${o.mtu}`);
  const name = o.name ?? 'k8ts';
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) throw new Error(`invalid CNI network name "${name}"`);
  return {
    cniVersion: CNI_VERSION,
    name,
    plugins: [
      {
        type: 'bridge',
        bridge: o.bridge,
        isGateway: true,
        ipMasq: o.ipMasq ?? true,
        hairpinMode: true,
        ...(o.mtu !== undefined ? { mtu: o.mtu } : {}),
        ipam: {
          type: 'host-local',
          ranges: [[{ subnet: `${cidr.ip}/${cidr.prefix}` }]],
          routes: [{ dst: cidr.family === 4 ? '0.0.0.0/0' : '::/0' }],
          dataDir: o.dataDir,
        },
      },
      { type: 'portmap', capabilities: { portMappings: true }, snat: true },
    ],
  };
}

const CNI_CONFIG_FILE = /\.(conf|conflist|json)$/;

/**
 * Writes the node's conflist atomically (containerd watches the directory and must never read a
 * half-written file) and removes any other network config there, since containerd would load
 * whichever sorts first. Returns the path written.
 */
export async function writeCniConfig(confDir: string, o: CniOptions): Promise<string> {
  const dataDir = o.dataDir ?? join(dirname(confDir), 'networks');
  const text = JSON.stringify(cniConflist({ ...o, dataDir }), null, 2) + '\n';
  await mkdir(confDir, { recursive: true, mode: 0o755 });
  const path = join(confDir, CNI_CONFLIST_NAME);
  const current = await readFile(path, 'utf8').catch(() => undefined);
  if (current !== text) {
    // The temporary name ends in neither .conf nor .conflist, so containerd ignores it.
    const tmp = join(confDir, `.${CNI_CONFLIST_NAME}.${process.pid}.tmp`);
    await writeFile(tmp, text, { mode: 0o644 });
    await rename(tmp, path);
  }
  for (const name of await readdir(confDir)) {
    if (name !== CNI_CONFLIST_NAME && CNI_CONFIG_FILE.test(name)) await rm(join(confDir, name), { force: true });
  }
  return path;
}
