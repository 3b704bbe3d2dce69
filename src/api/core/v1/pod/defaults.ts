// Defaulting for Pod, PodTemplate and ReplicationController, as Kubernetes 1.32 applies it when
// an object is decoded. Functions mutate in place and tolerate partial objects.
import type {
  Container,
  ContainerPort,
  EnvVar,
  HTTPGetAction,
  Lifecycle,
  Pod,
  PodSpec,
  PodTemplate,
  PodTemplateSpec,
  Probe,
  ReplicationController,
  ResourceFieldSelector,
  ObjectFieldSelector,
  Volume,
} from './types.js';
import { volumeSourceNames } from './schema-volumes.js';

export const DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 30;
export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';
/** 0644: the mode of files projected from ConfigMaps, Secrets and the downward API. */
export const DEFAULT_FILE_MODE = 0o644;
export const DEFAULT_TOKEN_EXPIRATION_SECONDS = 3600;

// ---- images ---------------------------------------------------------------------------

/**
 * The tag of an image reference as the kubelet's parser reads it: "latest" when there is
 * neither tag nor digest, "" when only a digest is given or the reference does not parse.
 */
export function imageTag(image: string | undefined): string {
  if (!image || /\s/.test(image)) return '';
  let name = image;
  let hasDigest = false;
  const at = name.indexOf('@');
  if (at >= 0) {
    hasDigest = true;
    name = name.slice(0, at);
  }
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  const tag = colon > slash ? name.slice(colon + 1) : '';
  const repo = colon > slash ? name.slice(0, colon) : name;
  // Repository path components must be lowercase; the domain (first part with '.' or ':') may not be.
  const parts = repo.split('/');
  const path = parts.length > 1 && /[.:]|^localhost$/.test(parts[0]!) ? parts.slice(1) : parts;
  if (path.some((p) => !/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/.test(p))) return '';
  if (tag && !/^[\w][\w.-]{0,127}$/.test(tag)) return '';
  if (!tag && !hasDigest) return 'latest';
  return tag;
}

export function defaultImagePullPolicy(image: string | undefined): 'Always' | 'IfNotPresent' {
  return imageTag(image) === 'latest' ? 'Always' : 'IfNotPresent';
}

// ---- containers -----------------------------------------------------------------------

function defaultHTTPGet(h: HTTPGetAction | undefined): void {
  if (!h) return;
  if (!h.path) h.path = '/';
  if (!h.scheme) h.scheme = 'HTTP';
}

export function defaultProbe(p: Probe | undefined): void {
  if (!p) return;
  if (!p.timeoutSeconds) p.timeoutSeconds = 1;
  if (!p.periodSeconds) p.periodSeconds = 10;
  if (!p.successThreshold) p.successThreshold = 1;
  if (!p.failureThreshold) p.failureThreshold = 3;
  defaultHTTPGet(p.httpGet);
  if (p.grpc && p.grpc.service === undefined) p.grpc.service = '';
}

function defaultLifecycle(l: Lifecycle | undefined): void {
  if (!l) return;
  defaultHTTPGet(l.postStart?.httpGet);
  defaultHTTPGet(l.preStop?.httpGet);
}

function defaultFieldRef(f: ObjectFieldSelector | undefined): void {
  if (f && !f.apiVersion) f.apiVersion = 'v1';
}

// The divisor is a non-pointer Quantity upstream, so an unset one is served as "0".
function defaultResourceFieldRef(f: ResourceFieldSelector | undefined): void {
  if (f && f.divisor === undefined) f.divisor = '0';
}

function defaultEnv(env: EnvVar[] | undefined): void {
  for (const e of env ?? []) {
    defaultFieldRef(e.valueFrom?.fieldRef);
    defaultResourceFieldRef(e.valueFrom?.resourceFieldRef);
  }
}

function defaultPort(p: ContainerPort): void {
  if (!p.protocol) p.protocol = 'TCP';
}

export function defaultContainer(c: Container): void {
  if (!c.imagePullPolicy) c.imagePullPolicy = defaultImagePullPolicy(c.image);
  if (!c.terminationMessagePath) c.terminationMessagePath = '/dev/termination-log';
  if (!c.terminationMessagePolicy) c.terminationMessagePolicy = 'File';
  // resources is a non-pointer struct upstream: always present in what the server returns.
  if (!c.resources) c.resources = {};
  for (const p of c.ports ?? []) defaultPort(p);
  defaultEnv(c.env);
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  defaultLifecycle(c.lifecycle);
}

// ---- volumes --------------------------------------------------------------------------

export function defaultVolume(v: Volume): void {
  const src = v as unknown as Record<string, unknown>;
  if (!volumeSourceNames.some((n) => src[n] !== undefined && src[n] !== null)) v.emptyDir = {};
  if (v.hostPath && v.hostPath.type === undefined) v.hostPath.type = '';
  if (v.secret && v.secret.defaultMode === undefined) v.secret.defaultMode = DEFAULT_FILE_MODE;
  if (v.configMap && v.configMap.defaultMode === undefined) v.configMap.defaultMode = DEFAULT_FILE_MODE;
  if (v.downwardAPI) {
    if (v.downwardAPI.defaultMode === undefined) v.downwardAPI.defaultMode = DEFAULT_FILE_MODE;
    for (const item of v.downwardAPI.items ?? []) {
      defaultFieldRef(item.fieldRef);
      defaultResourceFieldRef(item.resourceFieldRef);
    }
  }
  if (v.projected) {
    if (v.projected.defaultMode === undefined) v.projected.defaultMode = DEFAULT_FILE_MODE;
    for (const s of v.projected.sources ?? []) {
      if (s.serviceAccountToken && s.serviceAccountToken.expirationSeconds === undefined) {
        s.serviceAccountToken.expirationSeconds = DEFAULT_TOKEN_EXPIRATION_SECONDS;
      }
      for (const item of s.downwardAPI?.items ?? []) {
        defaultFieldRef(item.fieldRef);
        defaultResourceFieldRef(item.resourceFieldRef);
      }
    }
  }
  if (v.iscsi && !v.iscsi.iscsiInterface) v.iscsi.iscsiInterface = 'default';
  if (v.rbd) {
    if (!v.rbd.pool) v.rbd.pool = 'rbd';
    if (!v.rbd.user) v.rbd.user = 'admin';
    if (!v.rbd.keyring) v.rbd.keyring = '/etc/ceph/keyring';
  }
  if (v.azureDisk) {
    if (!v.azureDisk.cachingMode) v.azureDisk.cachingMode = 'ReadWrite';
    if (!v.azureDisk.kind) v.azureDisk.kind = 'Shared';
    if (!v.azureDisk.fsType) v.azureDisk.fsType = 'ext4';
    if (v.azureDisk.readOnly === undefined) v.azureDisk.readOnly = false;
  }
  if (v.scaleIO) {
    if (!v.scaleIO.storageMode) v.scaleIO.storageMode = 'ThinProvisioned';
    if (!v.scaleIO.fsType) v.scaleIO.fsType = 'xfs';
  }
  const claimSpec = v.ephemeral?.volumeClaimTemplate?.spec;
  if (claimSpec && claimSpec['volumeMode'] === undefined) claimSpec['volumeMode'] = 'Filesystem';
}

// ---- pod spec -------------------------------------------------------------------------

function allContainers(spec: PodSpec): Container[] {
  return [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])];
}

/** Defaults shared by pods and pod templates (upstream SetDefaults_PodSpec and below). */
export function defaultPodSpec(spec: PodSpec): void {
  if (!spec.dnsPolicy) spec.dnsPolicy = 'ClusterFirst';
  if (!spec.restartPolicy) spec.restartPolicy = 'Always';
  if (!spec.securityContext) spec.securityContext = {};
  if (spec.terminationGracePeriodSeconds === undefined || spec.terminationGracePeriodSeconds === null) {
    spec.terminationGracePeriodSeconds = DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS;
  }
  if (!spec.schedulerName) spec.schedulerName = DEFAULT_SCHEDULER_NAME;
  // serviceAccount is the deprecated spelling; serviceAccountName wins, and both are served.
  if (!spec.serviceAccountName && spec.serviceAccount) spec.serviceAccountName = spec.serviceAccount;
  if (spec.serviceAccountName) spec.serviceAccount = spec.serviceAccountName;
  else delete spec.serviceAccount;
  for (const c of allContainers(spec)) defaultContainer(c);
  for (const v of spec.volumes ?? []) defaultVolume(v);
}

export function defaultPodTemplateSpec(t: PodTemplateSpec | undefined): void {
  if (!t) return;
  if (t.spec) defaultPodSpec(t.spec);
}

// When limits are set but requests are not, requests default to the limits. Upstream does this
// for Pods only, never for templates, so that a template keeps what its author wrote.
function defaultRequestsFromLimits(c: Container): void {
  const limits = c.resources?.limits;
  if (!limits) return;
  const resources = (c.resources ??= {});
  const requests = (resources.requests ??= {});
  for (const [name, value] of Object.entries(limits)) {
    if (!(name in requests)) requests[name] = value;
  }
}

function defaultHostNetworkPorts(containers: Container[] | undefined): void {
  for (const c of containers ?? []) {
    for (const p of c.ports ?? []) if (!p.hostPort) p.hostPort = p.containerPort;
  }
}

/** PodIP/PodIPs and HostIP/HostIPs mirror each other: the single field is the first of the list. */
export function syncPodIPs(pod: Pod): void {
  const st = pod.status;
  if (!st) return;
  if (st.podIP && (!st.podIPs?.length || st.podIPs[0]!.ip !== st.podIP)) st.podIPs = [{ ip: st.podIP }];
  else if (!st.podIP && st.podIPs?.length) st.podIP = st.podIPs[0]!.ip;
  if (st.hostIP && (!st.hostIPs?.length || st.hostIPs[0]!.ip !== st.hostIP)) st.hostIPs = [{ ip: st.hostIP }];
  else if (!st.hostIP && st.hostIPs?.length) st.hostIP = st.hostIPs[0]!.ip;
}

export function defaultPod(pod: Pod): void {
  const spec = pod.spec;
  if (spec) {
    defaultPodSpec(spec);
    for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) defaultRequestsFromLimits(c);
    if (spec.enableServiceLinks === undefined || spec.enableServiceLinks === null) spec.enableServiceLinks = true;
    if (spec.hostNetwork) {
      defaultHostNetworkPorts(spec.containers);
      defaultHostNetworkPorts(spec.initContainers);
    }
  }
  syncPodIPs(pod);
}

export function defaultPodTemplate(pt: PodTemplate): void {
  defaultPodTemplateSpec(pt.template);
}

export function defaultReplicationController(rc: ReplicationController): void {
  const spec = (rc.spec ??= {});
  const labels = spec.template?.metadata?.labels;
  if (labels) {
    if (!spec.selector || Object.keys(spec.selector).length === 0) spec.selector = { ...labels };
    if (!rc.metadata.labels || Object.keys(rc.metadata.labels).length === 0) rc.metadata.labels = { ...labels };
  }
  if (spec.replicas === undefined || spec.replicas === null) spec.replicas = 1;
  defaultPodTemplateSpec(spec.template);
}
