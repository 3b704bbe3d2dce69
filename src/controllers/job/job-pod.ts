// The pods a Job creates: its template, a controller reference, the job-tracking finalizer
// (the pod can't vanish before the controller has counted it) and, for Indexed Jobs, the
// completion index as annotation, label, hostname and JOB_COMPLETION_INDEX variable.
import type { Pod } from '../../api/core/v1/pod/types.js';
import type { Job } from '../../api/batch/v1/types.js';
import type { OwnerReference } from '../../api/meta/types.js';
import { COMPLETION_INDEX_KEY } from './indexes.js';

export const JOB_TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';

export function jobPod(job: Job, ref: OwnerReference, index?: number): Pod {
  const template = job.spec?.template ?? {};
  const meta = template.metadata ?? {};
  const spec = structuredClone(template.spec ?? { containers: [] });
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: index === undefined ? `${job.metadata.name}-` : `${job.metadata.name}-${index}-`,
      namespace: job.metadata.namespace,
      labels: { ...(meta.labels ?? {}) },
      annotations: { ...(meta.annotations ?? {}) },
      ownerReferences: [ref],
      finalizers: [...(meta.finalizers ?? []), JOB_TRACKING_FINALIZER],
    },
    spec,
  };
  if (index !== undefined) {
    pod.metadata.annotations![COMPLETION_INDEX_KEY] = String(index);
    pod.metadata.labels![COMPLETION_INDEX_KEY] = String(index);
    if (!spec.hostname) spec.hostname = `${job.metadata.name}-${index}`;
    const env = { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: `metadata.labels['${COMPLETION_INDEX_KEY}']` } } };
    for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
      if (!c.env?.some((e) => e.name === env.name)) c.env = [...(c.env ?? []), structuredClone(env)];
    }
  }
  if (!Object.keys(pod.metadata.annotations!).length) delete pod.metadata.annotations;
  return pod;
}
