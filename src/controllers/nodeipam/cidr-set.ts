// One cluster CIDR cut into equal node CIDRs, with a bitmap of which are taken: upstream's
// cidrset. Allocation rotates (the search starts after the last CIDR handed out), so a
// released range is not handed out again at once, as upstream's AllocateNext does.
import { parseCIDR, type IPNet } from '../../api/networking/v1/cidr.js';

/** Upstream refuses IPv6 sets of more than 2^16 node CIDRs; so do we, for both families. */
const MAX_MASK_DIFF = 16;

export class CidrRangeExhaustedError extends Error {
  constructor() {
    super('CIDR allocation failed; there are no remaining CIDRs left to allocate in the accepted range');
  }
}

export function formatIP(family: 4 | 6, addr: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((addr >> s) & 255n)).join('.');
  const words = Array.from({ length: 8 }, (_, i) => Number((addr >> BigInt((7 - i) * 16)) & 0xffffn));
  // RFC 5952: the longest run (of two or more) of zero words becomes "::", the first on ties.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (ws: number[]) => ws.map((w) => w.toString(16)).join(':');
  if (bestStart < 0) return hex(words);
  return `${hex(words.slice(0, bestStart))}::${hex(words.slice(bestStart + bestLen))}`;
}

export function formatCIDR(n: IPNet): string {
  return `${formatIP(n.family, n.base)}/${n.prefix}`;
}

export class CidrSet {
  readonly cluster: IPNet;
  readonly nodeMaskSize: number;
  readonly maxCIDRs: number;
  private readonly used: Uint8Array;
  private allocated = 0;
  private nextCandidate = 0;
  private readonly width: number;

  constructor(clusterCidr: string, nodeMaskSize: number) {
    const cluster = parseCIDR(clusterCidr);
    if (!cluster) throw new Error(`invalid cluster CIDR ${JSON.stringify(clusterCidr)}`);
    this.width = cluster.family === 4 ? 32 : 128;
    if (!Number.isInteger(nodeMaskSize) || nodeMaskSize < cluster.prefix || nodeMaskSize > this.width) {
      throw new Error(`node CIDR mask size ${nodeMaskSize} does not fit cluster CIDR ${clusterCidr}`);
    }
    if (nodeMaskSize - cluster.prefix > MAX_MASK_DIFF) throw new Error('New CIDR set failed; the node CIDR size is too big');
    this.cluster = cluster;
    this.nodeMaskSize = nodeMaskSize;
    this.maxCIDRs = 2 ** (nodeMaskSize - cluster.prefix);
    this.used = new Uint8Array(this.maxCIDRs);
  }

  get family(): 4 | 6 {
    return this.cluster.family;
  }

  /** How many node CIDRs are taken. */
  get usedCount(): number {
    return this.allocated;
  }

  private blockAt(index: number): IPNet {
    return { family: this.cluster.family, base: this.cluster.base | (BigInt(index) << BigInt(this.width - this.nodeMaskSize)), prefix: this.nodeMaskSize };
  }

  /** The next free node CIDR, marked used; throws CidrRangeExhaustedError when none is left. */
  allocateNext(): string {
    if (this.allocated === this.maxCIDRs) throw new CidrRangeExhaustedError();
    let candidate = this.nextCandidate;
    while (this.used[candidate]) candidate = (candidate + 1) % this.maxCIDRs;
    this.nextCandidate = (candidate + 1) % this.maxCIDRs;
    this.used[candidate] = 1;
    this.allocated++;
    return formatCIDR(this.blockAt(candidate));
  }

  /**
   * The node-CIDR indices a CIDR covers, or an error when it does not overlap the cluster
   * range (a smaller CIDR covers the one block it lies in; a larger one every block inside).
   */
  private indices(cidr: string): { begin: number; end: number } | Error {
    const n = parseCIDR(cidr);
    if (!n) return new Error(`invalid CIDR ${JSON.stringify(cidr)}`);
    if (n.family !== this.cluster.family) return new Error(`cidr ${cidr} is out the range of cluster cidr ${formatCIDR(this.cluster)}`);
    const common = Math.min(n.prefix, this.cluster.prefix);
    const shift = BigInt(this.width - common);
    if (n.base >> shift !== this.cluster.base >> shift) return new Error(`cidr ${cidr} is out the range of cluster cidr ${formatCIDR(this.cluster)}`);
    if (n.prefix <= this.cluster.prefix) return { begin: 0, end: this.maxCIDRs - 1 };
    const nodeShift = BigInt(this.width - this.nodeMaskSize);
    const offset = (a: bigint) => Number(((a - this.cluster.base) >> nodeShift) & BigInt(this.maxCIDRs - 1));
    const last = n.base | ((1n << BigInt(this.width - n.prefix)) - 1n);
    return { begin: offset(n.base), end: offset(last) };
  }

  /** Mark a CIDR used (idempotent); an error when it lies outside the cluster range. */
  occupy(cidr: string): Error | undefined {
    const r = this.indices(cidr);
    if (r instanceof Error) return r;
    for (let i = r.begin; i <= r.end; i++) {
      if (!this.used[i]) {
        this.used[i] = 1;
        this.allocated++;
      }
    }
    return undefined;
  }

  /** Mark a CIDR free again (idempotent); an error when it lies outside the cluster range. */
  release(cidr: string): Error | undefined {
    const r = this.indices(cidr);
    if (r instanceof Error) return r;
    for (let i = r.begin; i <= r.end; i++) {
      if (this.used[i]) {
        this.used[i] = 0;
        this.allocated--;
      }
    }
    return undefined;
  }

  isUsed(cidr: string): boolean {
    const r = this.indices(cidr);
    if (r instanceof Error) return false;
    for (let i = r.begin; i <= r.end; i++) if (!this.used[i]) return false;
    return true;
  }
}
