// Shared fixtures for the pod tests: a minimal valid pod and a realistic, feature-rich one.
import type { Pod, ReplicationController } from '../types.js';

export function minimalPod(): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default' },
    spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] },
  };
}

/** A manifest using most of the pod API, as a user might write it. */
export function realisticPod(): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'shop-0', namespace: 'prod', labels: { app: 'shop', tier: 'web' }, annotations: { 'example.com/owner': 'team-a' } },
    spec: {
      serviceAccountName: 'shop',
      automountServiceAccountToken: false,
      priorityClassName: 'high',
      hostname: 'shop-0',
      subdomain: 'shop',
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      securityContext: {
        runAsUser: 1000,
        runAsGroup: 3000,
        fsGroup: 2000,
        runAsNonRoot: true,
        supplementalGroups: [4000],
        fsGroupChangePolicy: 'OnRootMismatch',
        seccompProfile: { type: 'RuntimeDefault' },
        sysctls: [{ name: 'net.ipv4.ip_local_port_range', value: '1024 65535' }],
      },
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['a', 'b'] }] }],
          },
          preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, preference: { matchExpressions: [{ key: 'disk', operator: 'Exists' }] } }],
        },
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'shop' } } } },
          ],
        },
      },
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'dedicated', operator: 'Equal', value: 'shop', effect: 'NoSchedule' },
      ],
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'shop' } }, minDomains: 2 }],
      dnsPolicy: 'ClusterFirst',
      dnsConfig: { nameservers: ['10.96.0.10'], searches: ['svc.cluster.local'], options: [{ name: 'ndots', value: '2' }] },
      hostAliases: [{ ip: '127.0.0.1', hostnames: ['foo.local'] }],
      imagePullSecrets: [{ name: 'regcred' }],
      readinessGates: [{ conditionType: 'example.com/ready' }],
      initContainers: [
        { name: 'migrate', image: 'shop:2.1', command: ['sh', '-c', 'migrate up'], envFrom: [{ configMapRef: { name: 'shop-config' } }] },
        { name: 'proxy', image: 'envoy:1.30', restartPolicy: 'Always', readinessProbe: { tcpSocket: { port: 15000 } } },
      ],
      containers: [
        {
          name: 'shop',
          image: 'registry.local:5000/shop:2.1',
          args: ['--port=8080'],
          workingDir: '/app',
          ports: [
            { name: 'http', containerPort: 8080, protocol: 'TCP' },
            { name: 'metrics', containerPort: 9090 },
          ],
          env: [
            { name: 'MODE', value: 'prod' },
            { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
            { name: 'MEM_LIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
            { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
            { name: 'LEVEL', valueFrom: { configMapKeyRef: { name: 'shop-config', key: 'level', optional: true } } },
          ],
          resources: { requests: { cpu: '250m', memory: '128Mi' }, limits: { cpu: '1', memory: '256Mi' } },
          volumeMounts: [
            { name: 'data', mountPath: '/data' },
            { name: 'config', mountPath: '/etc/shop', readOnly: true },
            { name: 'secret', mountPath: '/etc/secret', readOnly: true },
            { name: 'podinfo', mountPath: '/etc/podinfo' },
            { name: 'token', mountPath: '/var/run/token' },
            { name: 'cache', mountPath: '/cache', subPath: 'shop' },
            { name: 'host', mountPath: '/host/log', readOnly: true, mountPropagation: 'HostToContainer' },
          ],
          livenessProbe: { httpGet: { path: '/healthz', port: 'http', httpHeaders: [{ name: 'X-Probe', value: '1' }] }, initialDelaySeconds: 5, periodSeconds: 10 },
          readinessProbe: { grpc: { port: 9090 }, failureThreshold: 5 },
          startupProbe: { exec: { command: ['cat', '/tmp/started'] }, failureThreshold: 30 },
          lifecycle: { preStop: { sleep: { seconds: 5 } }, postStart: { exec: { command: ['true'] } } },
          securityContext: {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] },
            seccompProfile: { type: 'Localhost', localhostProfile: 'profiles/shop.json' },
          },
          terminationMessagePolicy: 'FallbackToLogsOnError',
          imagePullPolicy: 'IfNotPresent',
          stdin: false,
          tty: false,
        },
      ],
      volumes: [
        { name: 'data', persistentVolumeClaim: { claimName: 'shop-data' } },
        { name: 'config', configMap: { name: 'shop-config', items: [{ key: 'app.yaml', path: 'app.yaml', mode: 0o600 }] } },
        { name: 'secret', secret: { secretName: 'shop-secret', defaultMode: 0o400, optional: false } },
        { name: 'podinfo', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }, { path: 'cpu', resourceFieldRef: { containerName: 'shop', resource: 'limits.cpu' } }] } },
        {
          name: 'token',
          projected: {
            sources: [
              { serviceAccountToken: { audience: 'vault', expirationSeconds: 7200, path: 'token' } },
              { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
            ],
          },
        },
        { name: 'cache', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
        { name: 'host', hostPath: { path: '/var/log', type: 'Directory' } },
        { name: 'nfs', nfs: { server: 'nfs.local', path: '/exports/shop', readOnly: true } },
        { name: 'csi', csi: { driver: 'secrets-store.csi.k8s.io', readOnly: true, volumeAttributes: { provider: 'vault' } } },
      ],
    },
  };
}

export function minimalRC(): ReplicationController {
  return {
    apiVersion: 'v1',
    kind: 'ReplicationController',
    metadata: { name: 'nginx', namespace: 'default' },
    spec: {
      replicas: 3,
      template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } },
    },
  };
}
