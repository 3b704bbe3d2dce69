// ServiceAccount admission: a new pod runs as the `default` ServiceAccount unless it names one,
// and gets the projected kube-api-access-<suffix> volume (a bound token, the cluster CA from
// kube-root-ca.crt, the namespace) mounted read-only at the path in-cluster clients read,
// unless the pod or its ServiceAccount opts out with automountServiceAccountToken: false.
// Mirror pods (a kubelet's static pods) are left alone, as upstream does.
import { randomBytes } from 'node:crypto';
import type { Container, Pod, Volume } from '../../api/core/v1/pod/types.js';
import type { KubeObject } from '../../api/meta/types.js';
import type { AdmissionCheck } from '../rest/resource-store.js';

export const SERVICE_ACCOUNT_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';
/** Upstream's kubelet-style token lifetime: one hour plus seven seconds marks it for extension. */
const TOKEN_EXPIRATION_SECONDS = 3607;
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

function suffix(): string {
  return [...randomBytes(5)].map((b) => SUFFIX_ALPHABET[b % SUFFIX_ALPHABET.length]).join('');
}

export function kubeApiAccessVolume(name: string): Volume {
  return {
    name,
    projected: {
      defaultMode: 0o644,
      sources: [
        { serviceAccountToken: { expirationSeconds: TOKEN_EXPIRATION_SECONDS, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    },
  } as Volume;
}

function mountInto(c: Container, volume: string): void {
  if ((c.volumeMounts ?? []).some((m) => m.mountPath === SERVICE_ACCOUNT_MOUNT_PATH)) return;
  c.volumeMounts = [...(c.volumeMounts ?? []), { name: volume, readOnly: true, mountPath: SERVICE_ACCOUNT_MOUNT_PATH }];
}

/** `getServiceAccount` reads the cache: admission must not cost a storage read. */
export function serviceAccountAdmission(getServiceAccount: (namespace: string, name: string) => KubeObject | undefined): AdmissionCheck {
  return (entry, obj: KubeObject, op) => {
    if (op !== 'create' || entry.group !== '' || entry.resource !== 'pods') return;
    const pod = obj as Pod;
    const spec = pod.spec;
    if (!spec || pod.metadata.annotations?.[MIRROR_ANNOTATION] !== undefined) return;
    spec.serviceAccountName ||= spec.serviceAccount || 'default';
    spec.serviceAccount = spec.serviceAccountName;
    const sa = getServiceAccount(pod.metadata.namespace ?? '', spec.serviceAccountName);
    const automount = spec.automountServiceAccountToken ?? (sa?.['automountServiceAccountToken'] as boolean | undefined) ?? true;
    if (!automount) return;
    const all = [...(spec.initContainers ?? []), ...spec.containers, ...((spec.ephemeralContainers ?? []) as Container[])];
    if (all.length && all.every((c) => (c.volumeMounts ?? []).some((m) => m.mountPath === SERVICE_ACCOUNT_MOUNT_PATH))) return;
    const existing = (spec.volumes ?? []).find((v) => v.name.startsWith('kube-api-access-') && v.projected);
    const name = existing?.name ?? `kube-api-access-${suffix()}`;
    if (!existing) spec.volumes = [...(spec.volumes ?? []), kubeApiAccessVolume(name)];
    for (const c of all) mountInto(c, name);
  };
}
