// Pods and pod templates: the Ready/Status/Restarts logic kubectl users read every day.
import { ageOf, ageColumn, column, IMAGES_DESCRIPTION, CONTAINERS_DESCRIPTION, nameColumn, nameOf, printer, wide } from './columns.js';
import { humanDuration, parseTimestamp } from './duration.js';
import { containerCells, formatLabels, type ContainerLike } from './format.js';

interface StateWaiting { reason?: string }
interface StateRunning { startedAt?: string }
interface StateTerminated { reason?: string; exitCode?: number; signal?: number; finishedAt?: string }
interface ContainerState { waiting?: StateWaiting; running?: StateRunning; terminated?: StateTerminated }

interface ContainerStatus {
  name: string;
  ready?: boolean;
  started?: boolean;
  restartCount?: number;
  state?: ContainerState;
  lastState?: ContainerState;
}

interface PodCondition { type: string; status: string; reason?: string }

export interface PodShape {
  spec?: {
    nodeName?: string;
    containers?: ContainerLike[];
    initContainers?: (ContainerLike & { restartPolicy?: string })[];
    readinessGates?: { conditionType: string }[];
  };
  status?: {
    phase?: string;
    reason?: string;
    podIP?: string;
    podIPs?: { ip: string }[];
    nominatedNodeName?: string;
    conditions?: PodCondition[];
    initContainerStatuses?: ContainerStatus[];
    containerStatuses?: ContainerStatus[];
  };
}

// The reason the node lifecycle controller sets on pods of a node that stopped reporting.
const NODE_UNREACHABLE_REASON = 'NodeLost';

function conditionTrue(conds: readonly PodCondition[] | undefined, type: string): boolean {
  const c = (conds ?? []).find((x) => x.type === type);
  return c?.status === 'True';
}

/** Tracks the restart total and the most recent restart, which kubectl prints as "3 (2m ago)". */
class RestartTally {
  count = 0;
  last: number | undefined;
  add(status: ContainerStatus): void {
    this.count += status.restartCount ?? 0;
    const finished = parseTimestamp(status.lastState?.terminated?.finishedAt);
    if (finished !== undefined && (this.last === undefined || finished > this.last)) this.last = finished;
  }
}

/** Ready count, status reason and restart summary, following kubectl's printPod rules in order. */
export function podSummary(pod: PodShape & { metadata?: { deletionTimestamp?: string } }, now: number): { ready: string; status: string; restarts: string } {
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  const initSpecs = spec.initContainers ?? [];
  // Sidecars (restartable init containers) count as containers of the running pod.
  const sidecars = new Set(initSpecs.filter((c) => c.restartPolicy === 'Always').map((c) => c.name));
  const total = (spec.containers ?? []).length + sidecars.size;
  let ready = 0;

  let reason = status.reason || status.phase || '';
  for (const c of status.conditions ?? []) {
    if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';
  }

  let all = new RestartTally();
  const sidecarTally = new RestartTally();
  let initializing = false;
  const initStatuses = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i];
    all.add(c);
    const isSidecar = sidecars.has(c.name);
    if (isSidecar) sidecarTally.add(c);
    const term = c.state?.terminated;
    const waiting = c.state?.waiting;
    if (term && (term.exitCode ?? 0) === 0) continue;
    if (isSidecar && c.started === true) {
      if (c.ready) ready++;
      continue;
    }
    initializing = true;
    if (term) {
      if (term.reason) reason = `Init:${term.reason}`;
      else if (term.signal) reason = `Init:Signal:${term.signal}`;
      else reason = `Init:ExitCode:${term.exitCode ?? 0}`;
    } else if (waiting?.reason && waiting.reason !== 'PodInitializing') {
      reason = `Init:${waiting.reason}`;
    } else {
      reason = `Init:${i}/${initSpecs.length}`;
    }
    // Only the first unfinished init container describes the pod.
    break;
  }

  if (!initializing || conditionTrue(status.conditions, 'Initialized')) {
    all = sidecarTally;
    let hasRunning = false;
    const statuses = status.containerStatuses ?? [];
    // Walk backwards so the first container's state wins, as kubectl does.
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i];
      all.add(c);
      const term = c.state?.terminated;
      if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
      else if (term?.reason) reason = term.reason;
      else if (term) reason = term.signal ? `Signal:${term.signal}` : `ExitCode:${term.exitCode ?? 0}`;
      else if (c.ready && c.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    // A pod whose other containers still run is not "Completed" just because one finished.
    if (reason === 'Completed' && hasRunning) reason = conditionTrue(status.conditions, 'Ready') ? 'Running' : 'NotReady';
  }

  const deleting = pod.metadata?.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null;
  if (deleting && status.reason === NODE_UNREACHABLE_REASON) reason = 'Unknown';
  else if (deleting && status.phase !== 'Succeeded' && status.phase !== 'Failed') reason = 'Terminating';

  let restarts = String(all.count);
  if (all.count !== 0 && all.last !== undefined) restarts = `${all.count} (${humanDuration(now - all.last)} ago)`;
  return { ready: `${ready}/${total}`, status: reason, restarts };
}

function readinessGates(pod: PodShape): string {
  const gates = pod.spec?.readinessGates ?? [];
  if (gates.length === 0) return '<none>';
  const conds = pod.status?.conditions ?? [];
  const passing = gates.filter((g) => conds.find((c) => c.type === g.conditionType)?.status === 'True').length;
  return `${passing}/${gates.length}`;
}

export const podPrinter = printer<PodShape>(
  [
    nameColumn(),
    column('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
    column('Status', 'string', 'The aggregate status of the containers in this pod.'),
    column('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
    ageColumn(),
    wide('IP', 'string', 'The IP address allocated to the pod; the first of its pod IPs.'),
    wide('Node', 'string', 'The node the pod is scheduled onto.'),
    wide('Nominated Node', 'string', 'The node a preempting pod expects to be scheduled onto once victims leave.'),
    wide('Readiness Gates', 'string', 'How many of the pod readiness gates report True.'),
  ],
  (pod, now) => {
    const s = podSummary(pod, now);
    const ip = pod.status?.podIPs?.[0]?.ip || pod.status?.podIP || '<none>';
    return [
      nameOf(pod), s.ready, s.status, s.restarts, ageOf(pod, now),
      ip, pod.spec?.nodeName || '<none>', pod.status?.nominatedNodeName || '<none>', readinessGates(pod),
    ];
  },
);

interface PodTemplateShape { template?: { metadata?: { labels?: Record<string, string> }; spec?: { containers?: ContainerLike[] } } }

export const podTemplatePrinter = printer<PodTemplateShape>(
  [
    nameColumn(),
    column('Containers', 'string', CONTAINERS_DESCRIPTION),
    column('Images', 'string', IMAGES_DESCRIPTION),
    column('Pod Labels', 'string', 'The labels for the pod template.'),
  ],
  (t) => {
    const [names, images] = containerCells(t.template?.spec?.containers);
    return [nameOf(t), names, images, formatLabels(t.template?.metadata?.labels)];
  },
);
