import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Pod } from '../../api/core/v1/pod/types.js';
import { podReferences } from './node-graph.js';

describe('node graph', () => {
  it("reads every Secret, ConfigMap, claim and the service account a pod references", () => {
    const pod = {
      metadata: { name: 'p', namespace: 'ns' },
      spec: {
        imagePullSecrets: [{ name: 'pull' }],
        initContainers: [{ name: 'i', env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 'env-s', key: 'k' } } }] }],
        containers: [{ name: 'c', envFrom: [{ configMapRef: { name: 'env-cm' } }] }],
        volumes: [
          { name: 'v1', secret: { secretName: 'vol-s' } },
          { name: 'v2', projected: { sources: [{ configMap: { name: 'proj-cm' } }] } },
          { name: 'v3', persistentVolumeClaim: { claimName: 'claim' } },
          { name: 'eph', ephemeral: { volumeClaimTemplate: { spec: {} } } },
          { name: 'v4', csi: { driver: 'd', nodePublishSecretRef: { name: 'csi-s' } } },
        ],
      },
    } as unknown as Pod;
    assert.deepEqual(podReferences(pod).sort(), [
      'configmaps/ns/env-cm',
      'configmaps/ns/proj-cm',
      'persistentvolumeclaims/ns/claim',
      'persistentvolumeclaims/ns/p-eph',
      'secrets/ns/csi-s',
      'secrets/ns/env-s',
      'secrets/ns/pull',
      'secrets/ns/vol-s',
      'serviceaccounts/ns/default',
    ]);
  });
});
