// The kubelet-managed /etc/hosts of a pod (upstream's managedHostsFileContent and
// nodeHostsFileContent).
import { readFileSync } from 'node:fs';
import type { HostAlias, Pod } from '../../api/core/v1/pod/types.js';
import { podHostnameAndDomain } from './hostname.js';

function aliasLines(aliases: HostAlias[] | undefined): string {
  if (!aliases?.length) return '';
  let out = '\n# Entries added by HostAliases.\n';
  for (const a of aliases) out += `${a.ip}\t${(a.hostnames ?? []).join('\t')}\n`;
  return out;
}

export interface HostsFileOptions {
  clusterDomain?: string;
  /** For hostNetwork pods: the node's hosts file (default /etc/hosts), which the pod then sees. */
  nodeHostsPath?: string;
}

/** The hosts file text: localhost and ip6 lines, the pod's IPs with its name (and FQDN), then hostAliases. */
export function hostsFile(pod: Pod, podIPs: string[], o: HostsFileOptions = {}): string {
  if (pod.spec?.hostNetwork) {
    let node = '';
    try {
      node = readFileSync(o.nodeHostsPath ?? '/etc/hosts', 'utf8');
    } catch {
      // No node hosts file: only the aliases remain.
    }
    return '# Kubernetes-managed hosts file (host network).\n' + node + aliasLines(pod.spec.hostAliases);
  }
  const { hostname, domain } = podHostnameAndDomain(pod, o.clusterDomain ?? 'cluster.local');
  let out = '# Kubernetes-managed hosts file.\n';
  out += '127.0.0.1\tlocalhost\n';
  out += '::1\tlocalhost ip6-localhost ip6-loopback\n';
  out += 'fe00::0\tip6-localnet\n';
  out += 'fe00::0\tip6-mcastprefix\n';
  out += 'fe00::1\tip6-allnodes\n';
  out += 'fe00::2\tip6-allrouters\n';
  for (const ip of podIPs) out += domain ? `${ip}\t${hostname}.${domain}\t${hostname}\n` : `${ip}\t${hostname}\n`;
  return out + aliasLines(pod.spec?.hostAliases);
}
