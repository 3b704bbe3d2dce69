// Nodes: readiness, roles, kubelet version and (wide) addresses and system info.
import { ageColumn, ageOf, column, nameColumn, nameOf, printer, wide } from './columns.js';

export interface NodeShape {
  spec?: { unschedulable?: boolean };
  status?: {
    conditions?: { type: string; status: string }[];
    addresses?: { type: string; address: string }[];
    nodeInfo?: { kubeletVersion?: string; osImage?: string; kernelVersion?: string; containerRuntimeVersion?: string };
  };
}

const ROLE_PREFIX = 'node-role.kubernetes.io/';
const LEGACY_ROLE_LABEL = 'kubernetes.io/role';

/** "Ready", "NotReady", "Unknown" (no Ready condition), with ",SchedulingDisabled" when cordoned. */
export function nodeStatus(node: NodeShape): string {
  const ready = (node.status?.conditions ?? []).find((c) => c.type === 'Ready');
  const parts = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (node.spec?.unschedulable) parts.push('SchedulingDisabled');
  return parts.join(',');
}

/** Roles from node-role.kubernetes.io/<role> label keys and the legacy kubernetes.io/role value, sorted. */
export function nodeRoles(labels: Record<string, string> | undefined): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(labels ?? {})) {
    if (k.startsWith(ROLE_PREFIX)) {
      const role = k.slice(ROLE_PREFIX.length);
      if (role) roles.add(role);
    } else if (k === LEGACY_ROLE_LABEL && v) {
      roles.add(v);
    }
  }
  return [...roles].sort().join(',') || '<none>';
}

function address(node: NodeShape, type: string): string {
  return (node.status?.addresses ?? []).find((a) => a.type === type)?.address ?? '<none>';
}

export const nodePrinter = printer<NodeShape>(
  [
    nameColumn(),
    column('Status', 'string', 'The status of the node'),
    column('Roles', 'string', 'The roles of the node'),
    ageColumn(),
    column('Version', 'string', 'Kubelet version reported by the node.'),
    wide('Internal-IP', 'string', 'The first InternalIP address of the node.'),
    wide('External-IP', 'string', 'The first ExternalIP address of the node.'),
    wide('OS-Image', 'string', 'OS image reported by the node (from /etc/os-release).'),
    wide('Kernel-Version', 'string', 'Kernel version reported by the node (uname -r).'),
    wide('Container-Runtime', 'string', 'Container runtime name and version reported by the node.'),
  ],
  (node, now) => {
    const info = node.status?.nodeInfo ?? {};
    return [
      nameOf(node), nodeStatus(node), nodeRoles(node.metadata?.labels), ageOf(node, now), info.kubeletVersion ?? '',
      address(node, 'InternalIP'), address(node, 'ExternalIP'),
      info.osImage || '<unknown>', info.kernelVersion || '<unknown>', info.containerRuntimeVersion || '<unknown>',
    ];
  },
);
