// Domain-name arithmetic the cluster zone needs: labels relative to a zone, reverse names to
// addresses and back, and the dashed form of an address that names pods and unnamed endpoints.
import { isIPv4, isIPv6 } from 'node:net';

/** The name in lower case without its trailing dot ("" for the root). */
export function canonicalName(name: string): string {
  const n = name.endsWith('.') ? name.slice(0, -1) : name;
  return n.toLowerCase();
}

/** The labels of `name` in front of `zone` (both canonical), or undefined when it is outside. */
export function labelsInZone(name: string, zone: string): string[] | undefined {
  if (name === zone) return [];
  if (!name.endsWith(`.${zone}`)) return undefined;
  return name.slice(0, name.length - zone.length - 1).split('.');
}

/** "1.0.96.10.in-addr.arpa" → "10.96.0.1"; the nibble form under ip6.arpa → an IPv6 address. */
export function addressFromReverse(name: string): string | undefined {
  const v4 = labelsInZone(name, 'in-addr.arpa');
  if (v4) {
    if (v4.length !== 4 || !v4.every((o) => /^(0|[1-9]\d{0,2})$/.test(o) && Number(o) <= 255)) return undefined;
    return v4.reverse().join('.');
  }
  const v6 = labelsInZone(name, 'ip6.arpa');
  if (!v6 || v6.length !== 32 || !v6.every((n) => /^[0-9a-f]$/.test(n))) return undefined;
  const hex = v6.reverse().join('');
  const groups: string[] = [];
  for (let i = 0; i < 32; i += 4) groups.push(hex.slice(i, i + 4).replace(/^0+(?=.)/, ''));
  return compressIPv6(groups);
}

/** An address as a reverse name: "10.96.0.1" → "1.0.96.10.in-addr.arpa". */
export function reverseName(ip: string): string {
  if (isIPv4(ip)) return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
  return `${expandIPv6(ip).replace(/:/g, '').split('').reverse().join('.')}.ip6.arpa`;
}

/** The address in its canonical text, so that index keys and query-derived addresses compare equal. */
export function canonicalAddress(ip: string): string | undefined {
  if (isIPv4(ip)) return ip.split('.').map(Number).join('.');
  if (!isIPv6(ip) || ip.includes('.') || ip.includes('%')) return undefined;
  return compressIPv6(expandIPv6(ip.toLowerCase()).split(':').map((g) => g.replace(/^0+(?=.)/, '')));
}

function expandIPv6(ip: string): string {
  const [head, tail] = ip.split('::') as [string, string | undefined];
  const l = head ? head.split(':') : [];
  const r = tail ? tail.split(':') : [];
  const all = tail === undefined ? l : [...l, ...new Array<string>(8 - l.length - r.length).fill('0'), ...r];
  return all.map((g) => g.padStart(4, '0')).join(':');
}

/** RFC 5952: the longest run (≥ 2) of zero groups becomes "::". */
function compressIPv6(groups: string[]): string {
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === '0') j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

/** "10.244.1.5" → "10-244-1-5"; "fd00::5" → "fd00--5" (CoreDNS's endpoint and pod label). */
export function dashedAddress(ip: string): string {
  return ip.replace(/[.:]/g, '-');
}

/** The address a pod label stands for: three dashes and no "--" is IPv4, anything else IPv6. */
export function addressFromDashed(label: string): string | undefined {
  const dashes = label.split('-').length - 1;
  const text = dashes === 3 && !label.includes('--') ? label.replace(/-/g, '.') : label.replace(/-/g, ':');
  return canonicalAddress(text);
}
