// Where the kubelet keeps container logs, as upstream lays out /var/log/pods:
//   <logsDir>/<namespace>_<pod>_<uid>/<container>/<attempt>.log
// where the attempt is the container's restart count; rotated files sit beside their log.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export function podLogDir(logsDir: string, namespace: string, podName: string, podUid: string): string {
  return join(logsDir, `${namespace}_${podName}_${podUid}`);
}

/** Relative to the pod's log directory: what the CRI's ContainerConfig.logPath carries. */
export function containerLogRelPath(container: string, attempt: number): string {
  return join(container, `${attempt}.log`);
}

export function containerLogPath(logsDir: string, namespace: string, podName: string, podUid: string, container: string, attempt: number): string {
  return join(podLogDir(logsDir, namespace, podName, podUid), containerLogRelPath(container, attempt));
}

/** The attempts that have a log file in a container's log directory, ascending. */
export function logAttempts(containerLogDir: string): number[] {
  let names: string[];
  try {
    names = readdirSync(containerLogDir);
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const n of names) {
    const m = /^(\d+)\.log$/.exec(n);
    if (m) out.push(Number(m[1]));
  }
  return out.sort((a, b) => a - b);
}
