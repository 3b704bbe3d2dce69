// Just enough CIDR arithmetic for NetworkPolicy ipBlock: is one network a strict subset of
// another. Addresses become bigints so IPv4 and IPv6 share one code path.
import { isIPv6 } from 'node:net';
import { parseIPv4Sloppy } from '../../validation/names.js';

export interface IPNet {
  family: 4 | 6;
  /** Network address (host bits cleared). */
  base: bigint;
  prefix: number;
}

function ipv6ToBigInt(text: string): bigint | undefined {
  if (!isIPv6(text) || text.includes('%')) return undefined;
  let t = text;
  // An embedded IPv4 tail ("::ffff:1.2.3.4") stands for the last two 16-bit words.
  const lastColon = t.lastIndexOf(':');
  const tail = t.slice(lastColon + 1);
  if (tail.includes('.')) {
    const o = parseIPv4Sloppy(tail);
    if (!o) return undefined;
    t = `${t.slice(0, lastColon + 1)}${((o[0]! << 8) | o[1]!).toString(16)}:${((o[2]! << 8) | o[3]!).toString(16)}`;
  }
  const words = (s: string) => (s ? s.split(':').map((w) => parseInt(w, 16)) : []);
  let all: number[];
  const gap = t.indexOf('::');
  if (gap >= 0) {
    const l = words(t.slice(0, gap));
    const r = words(t.slice(gap + 2));
    all = [...l, ...new Array<number>(8 - l.length - r.length).fill(0), ...r];
  } else {
    all = words(t);
  }
  if (all.length !== 8 || all.some((w) => !Number.isInteger(w))) return undefined;
  return all.reduce((acc, w) => (acc << 16n) | BigInt(w), 0n);
}

/** Parses "a.b.c.d/n" or "x::y/n"; undefined when it is not a CIDR. */
export function parseCIDR(cidr: string): IPNet | undefined {
  const slash = cidr.indexOf('/');
  if (slash < 0) return undefined;
  const ipText = cidr.slice(0, slash);
  const bitsText = cidr.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bitsText)) return undefined;
  const prefix = Number(bitsText);
  const v4 = parseIPv4Sloppy(ipText);
  let family: 4 | 6;
  let addr: bigint;
  if (v4) {
    family = 4;
    addr = v4.reduce((acc, o) => (acc << 8n) | BigInt(o), 0n);
  } else {
    const v6 = ipv6ToBigInt(ipText);
    if (v6 === undefined) return undefined;
    family = 6;
    addr = v6;
  }
  const width = family === 4 ? 32 : 128;
  if (prefix > width) return undefined;
  const hostBits = BigInt(width - prefix);
  return { family, base: (addr >> hostBits) << hostBits, prefix };
}

/** True when `inner` lies inside `outer` and is strictly smaller. */
export function isStrictSubset(inner: IPNet, outer: IPNet): boolean {
  if (inner.family !== outer.family || inner.prefix <= outer.prefix) return false;
  const width = outer.family === 4 ? 32 : 128;
  const hostBits = BigInt(width - outer.prefix);
  return (inner.base >> hostBits) === (outer.base >> hostBits);
}
