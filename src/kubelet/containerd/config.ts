// containerd's config.toml for the containerd the agent runs itself (k3s-style): every path under
// the agent's data dir, the CRI plugin set up for k8ts (cgroupfs, our pause image, our CNI dirs).
import { join } from 'node:path';

export interface ContainerdConfigOptions {
  /** The agent's data dir; containerd's root, state and plugin dirs go under <dataDir>/containerd. */
  dataDir: string;
  /** Unix socket path of containerd's gRPC API. */
  socket: string;
  sandboxImage: string;
  cniBinDir: string;
  cniConfDir: string;
  /** containerd's hosts directory (<dir>/<host>/hosts.toml), written from registries.yaml. */
  registryConfigDir?: string;
  snapshotter?: string;
}

// Snapshotters that cannot work here or that nobody asked for: skipping them saves start-up probes
// (devmapper even logs an error each start). Names as containerd 1.6 registers them.
const UNNEEDED_SNAPSHOTTERS = ['aufs', 'btrfs', 'zfs', 'devmapper'];

/** A TOML basic string; JSON's escapes are TOML's, except that TOML also forbids a raw DEL. */
export function tomlString(s: string): string {
  return JSON.stringify(s).replace(/\x7f/g, '\\u007f');
}

export function containerdDir(dataDir: string): string {
  return join(dataDir, 'containerd');
}

export function containerdConfig(o: ContainerdConfigOptions): string {
  const dir = containerdDir(o.dataDir);
  const snapshotter = o.snapshotter ?? 'overlayfs';
  const disabled = UNNEEDED_SNAPSHOTTERS.filter((s) => s !== snapshotter).map((s) => tomlString(`io.containerd.snapshotter.v1.${s}`));
  const cri = 'plugins."io.containerd.grpc.v1.cri"';
  const lines = [
    '# Written by k8ts at every agent start; edits are overwritten.',
    'version = 2',
    `root = ${tomlString(join(dir, 'root'))}`,
    `state = ${tomlString(join(dir, 'state'))}`,
    `disabled_plugins = [${disabled.join(', ')}]`,
    '',
    '[grpc]',
    `  address = ${tomlString(o.socket)}`,
    '',
    // The opt plugin would otherwise create /opt/containerd on the host.
    '[plugins."io.containerd.internal.v1.opt"]',
    `  path = ${tomlString(join(dir, 'opt'))}`,
    '',
    `[${cri}]`,
    `  sandbox_image = ${tomlString(o.sandboxImage)}`,
    '  enable_selinux = false',
    // Without CAP_SYS_RESOURCE (containers, some VMs) runc cannot lower a score below its parent's,
    // and every sandbox would fail to start; clamp instead, as in rootless and nested setups.
    '  restrict_oom_score_adj = true',
    // The kubelet reaches exec/attach/port-forward through this server; loopback only, any free port.
    '  stream_server_address = "127.0.0.1"',
    '  stream_server_port = "0"',
    '  enable_tls_streaming = false',
    '',
    `[${cri}.containerd]`,
    `  snapshotter = ${tomlString(snapshotter)}`,
    '  default_runtime_name = "runc"',
    '',
    `[${cri}.containerd.runtimes.runc]`,
    '  runtime_type = "io.containerd.runc.v2"',
    '',
    // cgroupfs: the kubelet hands containerd cgroupfs parents (no systemd here).
    `[${cri}.containerd.runtimes.runc.options]`,
    '  SystemdCgroup = false',
    '',
    `[${cri}.cni]`,
    `  bin_dir = ${tomlString(o.cniBinDir)}`,
    `  conf_dir = ${tomlString(o.cniConfDir)}`,
    '  max_conf_num = 1',
    '',
  ];
  if (o.registryConfigDir !== undefined) {
    lines.push(`[${cri}.registry]`, `  config_path = ${tomlString(o.registryConfigDir)}`, '');
  }
  return lines.join('\n');
}
