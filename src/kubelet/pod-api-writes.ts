// What the pod workers write about a pod through the API: its status, as a strategic merge
// patch the way the kubelet's status manager sends it, and the final delete once all is stopped.
import type { Pod } from '../api/core/v1/pod/types.js';
import { R, resourcePath } from '../client/resources.js';
import { ApiStatusError, type RestClient } from '../client/rest.js';
import type { PodRecord } from './pod-record.js';

export async function writePodStatus(client: RestClient, rec: PodRecord, pod: Pod, status: NonNullable<Pod['status']>): Promise<void> {
  const path = resourcePath(R.pods, pod.metadata.namespace, pod.metadata.name, 'status');
  try {
    // Conditions merge by type: a reason or message that no longer applies must be cleared
    // explicitly (null), or the merge would keep the old one.
    const conditions = status.conditions?.map((c) => ({ ...c, reason: c.reason ?? null, message: c.message ?? null }));
    // podIPs merge by ip: an address the pod no longer has (a replaced sandbox) must be deleted
    // explicitly, as the kubelet's two-way patch does, or the merge would keep both.
    const gone = (pod.status?.podIPs ?? []).filter((old) => !status.podIPs?.some((x) => x.ip === old.ip));
    const podIPs = status.podIPs && gone.length ? [...status.podIPs, ...gone.map((g) => ({ ip: g.ip, $patch: 'delete' }))] : status.podIPs;
    await client.patch(path, { status: { ...status, conditions, podIPs } }, 'application/strategic-merge-patch+json');
    rec.lastWrite = { againstRV: pod.metadata.resourceVersion, status };
  } catch (err) {
    if (err instanceof ApiStatusError && err.code === 404) return;
    throw err;
  }
}

/** The kubelet's last word on a pod: everything is stopped, so the object can go at once. */
export async function deletePodObject(client: RestClient, rec: PodRecord, pod: Pod): Promise<void> {
  try {
    await client.delete(resourcePath(R.pods, pod.metadata.namespace, pod.metadata.name), { gracePeriodSeconds: 0, preconditions: { uid: rec.uid } });
    rec.deleteSent = true;
  } catch (err) {
    if (err instanceof ApiStatusError && (err.code === 404 || err.code === 409)) {
      rec.deleteSent = true;
      return;
    }
    throw err;
  }
}
