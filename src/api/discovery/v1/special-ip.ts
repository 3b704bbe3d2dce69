// Addresses no endpoint may have (upstream's ValidateNonSpecialIP): traffic to them would never
// leave the node that sends it, so a slice pointing at them is a mistake or an attack.
import { parseCIDR } from '../../networking/v1/cidr.js';

function within(ip: string, family: 4 | 6, ranges: readonly string[]): boolean {
  const addr = parseCIDR(`${ip}/${family === 4 ? 32 : 128}`);
  if (!addr) return false;
  return ranges.some((r) => {
    const net = parseCIDR(r)!;
    if (net.family !== addr.family) return false;
    const shift = BigInt((family === 4 ? 32 : 128) - net.prefix);
    return addr.base >> shift === net.base >> shift;
  });
}

const loopback = ['127.0.0.0/8', '::1/128'];
const linkLocalUnicast = ['169.254.0.0/16', 'fe80::/10'];
// Go's IsLinkLocalMulticast: 224.0.0.0/24, and ff02::/16 with any flag nibble (ffX2::/16).
const linkLocalMulticast = ['224.0.0.0/24', ...Array.from({ length: 16 }, (_, i) => `ff${i.toString(16)}2::/16`)];
const unspecified = ['0.0.0.0/32', '::/128'];

export function specialIPErrors(ip: string, family: 4 | 6): string[] {
  const errs: string[] = [];
  if (within(ip, family, unspecified)) errs.push(`may not be unspecified (${ip})`);
  if (within(ip, family, loopback)) errs.push('may not be in the loopback range (127.0.0.0/8, ::1/128)');
  if (within(ip, family, linkLocalUnicast)) errs.push('may not be in the link-local range (169.254.0.0/16, fe80::/10)');
  if (within(ip, family, linkLocalMulticast)) errs.push('may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)');
  return errs;
}
