// kube-apiserver's admission plugin names and which of them run: --enable-admission-plugins
// adds to the default-on set of 1.32, --disable-admission-plugins takes away. The order a
// plugin runs in is the chain's (upstream's AllOrderedPlugins), never the order of the flags.

/** Every plugin name kube-apiserver 1.32 knows, so configurations written for it are accepted. */
export const KNOWN_ADMISSION_PLUGINS = [
  'AlwaysAdmit',
  'AlwaysDeny',
  'AlwaysPullImages',
  'CertificateApproval',
  'CertificateSigning',
  'CertificateSubjectRestriction',
  'ClusterTrustBundleAttest',
  'DefaultIngressClass',
  'DefaultStorageClass',
  'DefaultTolerationSeconds',
  'DenyServiceExternalIPs',
  'EventRateLimit',
  'ExtendedResourceToleration',
  'ImagePolicyWebhook',
  'LimitPodHardAntiAffinityTopology',
  'LimitRanger',
  'MutatingAdmissionWebhook',
  'NamespaceAutoProvision',
  'NamespaceExists',
  'NamespaceLifecycle',
  'NodeRestriction',
  'OwnerReferencesPermissionEnforcement',
  'PersistentVolumeClaimResize',
  'PodNodeSelector',
  'PodSecurity',
  'PodTolerationRestriction',
  'Priority',
  'ResourceQuota',
  'RuntimeClass',
  'ServiceAccount',
  'StorageObjectInUseProtection',
  'TaintNodesByCondition',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionWebhook',
] as const;

/**
 * What runs with no flags: upstream's DefaultOffAdmissionPlugins complement for 1.32, and
 * NodeRestriction, which k3s turns on (kubelets under their own certificates need it).
 */
export const DEFAULT_ON_ADMISSION_PLUGINS: readonly string[] = [
  'NamespaceLifecycle',
  'LimitRanger',
  'ServiceAccount',
  'NodeRestriction',
  'TaintNodesByCondition',
  'PodSecurity',
  'Priority',
  'DefaultTolerationSeconds',
  'DefaultStorageClass',
  'StorageObjectInUseProtection',
  'PersistentVolumeClaimResize',
  'RuntimeClass',
  'CertificateApproval',
  'CertificateSigning',
  'ClusterTrustBundleAttest',
  'CertificateSubjectRestriction',
  'DefaultIngressClass',
  'MutatingAdmissionWebhook',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionWebhook',
  'ResourceQuota',
];

const KNOWN = new Set<string>(KNOWN_ADMISSION_PLUGINS);

function names(flag: string, value: string | undefined): string[] {
  const list = (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const n of list) if (!KNOWN.has(n)) throw new Error(`${flag} plugin "${n}" is unknown`);
  return list;
}

/**
 * The plugins that run, from the two flags' comma lists (undefined: flag not given). A name in
 * both lists is refused, as upstream's option validation does.
 */
export function enabledAdmissionPlugins(enable?: string, disable?: string): Set<string> {
  const on = names('enable-admission-plugins', enable);
  const off = names('disable-admission-plugins', disable);
  const both = on.filter((n) => off.includes(n));
  if (both.length) throw new Error(`${both.join(',')} in enable-admission-plugins and disable-admission-plugins overlapped`);
  const out = new Set([...DEFAULT_ON_ADMISSION_PLUGINS, ...on]);
  for (const n of off) out.delete(n);
  return out;
}
