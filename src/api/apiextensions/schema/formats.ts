// The string formats upstream's CRD validation knows (kube-openapi's strfmt registry, the subset
// apiextensions supports). An unknown format is no constraint, as upstream.
import { isDNS1123Subdomain, isIPv4, isIPv6Address } from '../../validation/names.js';

const checks: Record<string, (v: string) => boolean> = {
  'date-time': (v) => /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?$/.test(v) && !Number.isNaN(Date.parse(v.replace(' ', 'T'))),
  date: (v) => /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v)),
  ipv4: (v) => isIPv4(v),
  ipv6: (v) => isIPv6Address(v),
  cidr: (v) => {
    const [ip, bits, more] = v.split('/');
    if (more !== undefined || bits === undefined || !/^\d+$/.test(bits)) return false;
    return (isIPv4(ip!) && Number(bits) <= 32) || (isIPv6Address(ip!) && Number(bits) <= 128);
  },
  uuid: (v) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(v),
  byte: (v) => /^[A-Za-z0-9+/]*={0,2}$/.test(v) && v.length % 4 === 0,
  hostname: (v) => isDNS1123Subdomain(v.toLowerCase()).length === 0,
  email: (v) => /^[^@\s]+@[^@\s]+$/.test(v),
  mac: (v) => /^([0-9a-f]{2}[:-]){5}[0-9a-f]{2}$/i.test(v),
  duration: (v) => /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h|d|w))+$/.test(v),
  uri: (v) => /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(v),
};

export function checkFormat(format: string, v: string): boolean {
  const f = checks[format];
  return f ? f(v) : true;
}
