// Parsers for the few host files a kubelet reads (/proc/meminfo, /proc/net/route, /etc/os-release,
// /proc/loadavg), kept pure so they can be checked against fixed text.

/** /proc/meminfo as kibibytes per key ("MemTotal: 24542428 kB" → MemTotal: 24542428). */
export function parseMeminfo(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([\w()]+):\s+(\d+)(?:\s+kB)?\s*$/.exec(line);
    if (m) out.set(m[1]!, Number(m[2]));
  }
  return out;
}

/**
 * The interface of the IPv4 default route in /proc/net/route (destination and mask 0, route up);
 * the lowest metric wins, as the kernel's choice does.
 */
export function defaultRouteInterface(routeText: string): string | undefined {
  let best: { iface: string; metric: number } | undefined;
  for (const line of routeText.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    const [iface, dest, , flags, , , metric, mask] = f as [string, string, string, string, string, string, string, string];
    const RTF_UP = 0x1;
    if (dest !== '00000000' || mask !== '00000000' || !(parseInt(flags, 16) & RTF_UP)) continue;
    const m = Number(metric);
    if (!best || m < best.metric) best = { iface, metric: m };
  }
  return best?.iface;
}

/** A value of an os-release file (shell-style quoting), e.g. PRETTY_NAME. */
export function osReleaseValue(text: string, key: string): string | undefined {
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Z0-9_]+)=(.*)$/.exec(line);
    if (!m || m[1] !== key) continue;
    let v = m[2]!.trim();
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) v = v.slice(1, -1);
    return v.replace(/\\(["'$`\\])/g, '$1');
  }
  return undefined;
}

/** The number of tasks (threads) on the host, the figure after the slash in /proc/loadavg. */
export function loadavgTaskCount(text: string): number | undefined {
  const m = /^\S+\s+\S+\s+\S+\s+\d+\/(\d+)/.exec(text);
  return m ? Number(m[1]) : undefined;
}

/** Node's process.arch spelled as Go's GOARCH, which is what Kubernetes reports. */
export function goArch(arch: string): string {
  const names: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64', loong64: 'loong64', mips: 'mips', mipsel: 'mipsle' };
  return names[arch] ?? arch;
}

/** A byte count as a binary-SI quantity string the way Kubernetes prints one ("2Mi", "24542428Ki", "1000"). */
export function binaryQuantity(bytes: bigint): string {
  if (bytes === 0n) return '0';
  const suffixes = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
  let v = bytes;
  let i = 0;
  while (i < suffixes.length - 1 && v % 1024n === 0n) {
    v /= 1024n;
    i++;
  }
  return `${v}${suffixes[i]}`;
}
