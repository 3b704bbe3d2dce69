// The pod's hostname and domain (upstream's GeneratePodHostNameAndDomain and GetNodenameForKernel).
import type { Pod } from '../../api/core/v1/pod/types.js';
import { SandboxConfigError } from './errors.js';

const HOSTNAME_MAX = 63;
const FQDN_MAX = 64;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function checkLabel(what: string, v: string): void {
  if (v.length > HOSTNAME_MAX || !DNS1123_LABEL.test(v)) {
    const why = v.length > HOSTNAME_MAX ? `must be no more than ${HOSTNAME_MAX} characters` : "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
    throw new SandboxConfigError(`pod ${what} "${v}" is not a valid DNS label: ${why}`);
  }
}

/** The short hostname (spec.hostname or the pod name, cut to 63 characters) and, with a subdomain, `<sub>.<ns>.svc.<domain>`. */
export function podHostnameAndDomain(pod: Pod, clusterDomain: string): { hostname: string; domain: string } {
  let hostname = pod.metadata.name ?? '';
  if (pod.spec?.hostname) {
    checkLabel('Hostname', pod.spec.hostname);
    hostname = pod.spec.hostname;
  }
  if (hostname.length > HOSTNAME_MAX) {
    hostname = hostname.slice(0, HOSTNAME_MAX).replace(/[-.]+$/, '');
    if (!hostname) throw new SandboxConfigError(`hostname for pod "${pod.metadata.name}" was invalid: "${pod.metadata.name}"`);
  }
  let domain = '';
  if (pod.spec?.subdomain) {
    checkLabel('Subdomain', pod.spec.subdomain);
    domain = `${pod.spec.subdomain}.${pod.metadata.namespace}.svc.${clusterDomain}`;
  }
  return { hostname, domain };
}

/** The kernel's nodename: the FQDN when setHostnameAsFQDN and a domain exist (at most 64 characters). */
export function nodenameForKernel(hostname: string, domain: string, setHostnameAsFQDN: boolean | undefined): string {
  if (!domain || !setHostnameAsFQDN) return hostname;
  const fqdn = `${hostname}.${domain}`;
  if (fqdn.length > FQDN_MAX) {
    throw new SandboxConfigError(`failed to construct FQDN from pod hostname and cluster domain, FQDN ${fqdn} is too long (${FQDN_MAX} characters is the max, ${fqdn.length} characters requested)`);
  }
  return fqdn;
}
