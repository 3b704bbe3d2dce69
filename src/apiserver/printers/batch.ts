// Jobs and CronJobs.
import type { LabelSelector } from '../../api/meta/types.js';
import { ageColumn, ageOf, column, CONTAINERS_DESCRIPTION, IMAGES_DESCRIPTION, nameColumn, nameOf, printer, wide } from './columns.js';
import { humanDuration, parseTimestamp, timestampSince } from './duration.js';
import { boolPtr, containerCells, formatLabelSelector, int, type ContainerLike } from './format.js';

interface JobSpec { completions?: number | null; parallelism?: number | null; selector?: LabelSelector; template?: { spec?: { containers?: ContainerLike[] } } }

interface JobShape {
  spec?: JobSpec;
  status?: { succeeded?: number; startTime?: string; completionTime?: string; conditions?: { type: string; status: string }[] };
}

function hasCondition(job: JobShape, type: string): boolean {
  const c = (job.status?.conditions ?? []).find((x) => x.type === type);
  return c?.status === 'True';
}

/** Complete, Failed, Terminating, Suspended, FailureTarget or Running, in upstream's precedence. */
export function jobStatus(job: JobShape & { metadata?: { deletionTimestamp?: string } }): string {
  if (hasCondition(job, 'Complete')) return 'Complete';
  if (hasCondition(job, 'Failed')) return 'Failed';
  if (job.metadata?.deletionTimestamp) return 'Terminating';
  if (hasCondition(job, 'Suspended')) return 'Suspended';
  if (hasCondition(job, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

/** "succeeded/completions"; for work-queue jobs (no completions) "n/1", or "n/1 of P" when parallel. */
export function jobCompletions(job: JobShape): string {
  const succeeded = int(job.status?.succeeded);
  const completions = job.spec?.completions;
  if (typeof completions === 'number') return `${succeeded}/${completions}`;
  const parallelism = job.spec?.parallelism ?? 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

/** Time from start to completion, or to now while running; empty before the job starts. */
export function jobDuration(job: JobShape, now: number): string {
  const start = parseTimestamp(job.status?.startTime);
  if (start === undefined) return '';
  const end = parseTimestamp(job.status?.completionTime);
  return humanDuration((end ?? now) - start);
}

export const jobPrinter = printer<JobShape>(
  [
    nameColumn(),
    column('Status', 'string', 'Status of the job.'),
    column('Completions', 'string', 'The number of pods which reached phase Succeeded.'),
    column('Duration', 'string', 'Time required to complete the job.'),
    ageColumn(),
    wide('Containers', 'string', CONTAINERS_DESCRIPTION),
    wide('Images', 'string', IMAGES_DESCRIPTION),
    wide('Selector', 'string', 'A label query over pods that should match the pod count.'),
  ],
  (job, now) => {
    const [names, images] = containerCells(job.spec?.template?.spec?.containers);
    return [
      nameOf(job), jobStatus(job), jobCompletions(job), jobDuration(job, now), ageOf(job, now),
      names, images, formatLabelSelector(job.spec?.selector),
    ];
  },
);

interface CronJobShape {
  spec?: { schedule?: string; timeZone?: string | null; suspend?: boolean; jobTemplate?: { spec?: JobSpec } };
  status?: { active?: unknown[]; lastScheduleTime?: string };
}

export const cronJobPrinter = printer<CronJobShape>(
  [
    nameColumn(),
    column('Schedule', 'string', 'The schedule in Cron format.'),
    column('Timezone', 'string', 'The time zone name for the given schedule.'),
    column('Suspend', 'boolean', 'Whether the controller is told to suspend subsequent executions.'),
    column('Active', 'integer', 'The number of currently running jobs.'),
    column('Last Schedule', 'string', 'When the job was last successfully scheduled.'),
    ageColumn(),
    wide('Containers', 'string', CONTAINERS_DESCRIPTION),
    wide('Images', 'string', IMAGES_DESCRIPTION),
    wide('Selector', 'string', 'A label query over pods that should match the pod count.'),
  ],
  (cj, now) => {
    const spec = cj.spec ?? {};
    const jobSpec = spec.jobTemplate?.spec;
    const [names, images] = containerCells(jobSpec?.template?.spec?.containers);
    const last = cj.status?.lastScheduleTime ? timestampSince(cj.status.lastScheduleTime, now) : '<none>';
    return [
      nameOf(cj), spec.schedule ?? '', spec.timeZone ?? '<none>', boolPtr(spec.suspend), (cj.status?.active ?? []).length,
      last, ageOf(cj, now), names, images, formatLabelSelector(jobSpec?.selector),
    ];
  },
);
