// Hands out pod IPs from a node's IPv4 pod CIDR, as the host-local IPAM plugin would: the
// network and broadcast addresses and the gateway (the first host) are never given out.

function toInt(ip: string): number {
  const p = ip.split('.').map(Number);
  if (p.length !== 4 || p.some((x) => !Number.isInteger(x) || x < 0 || x > 255)) throw new Error(`not an IPv4 address: ${ip}`);
  return ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0;
}

function toIP(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export class IPAllocator {
  private readonly first: number;
  private readonly last: number;
  private readonly used = new Set<number>();
  private cursor: number;

  constructor(readonly cidr: string) {
    const [addr, bitsText] = cidr.split('/');
    const bits = Number(bitsText);
    if (!addr || !Number.isInteger(bits) || bits < 0 || bits > 30) throw new Error(`unusable pod CIDR ${cidr}`);
    const size = 2 ** (32 - bits);
    const base = toInt(addr) - (toInt(addr) % size);
    this.first = base + 2;
    this.last = base + size - 2;
    this.cursor = this.first;
  }

  /** The next free address (round robin, so a released IP is not reused at once), or undefined when full. */
  allocate(): string | undefined {
    const span = this.last - this.first + 1;
    for (let i = 0; i < span; i++) {
      const n = this.cursor;
      this.cursor = n >= this.last ? this.first : n + 1;
      if (!this.used.has(n)) {
        this.used.add(n);
        return toIP(n);
      }
    }
    return undefined;
  }

  release(ip: string): void {
    this.used.delete(toInt(ip));
  }

  inUse(): number {
    return this.used.size;
  }
}
