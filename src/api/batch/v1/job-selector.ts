// Selector generation for Jobs (upstream's generateSelector in the job registry strategy): unless
// manualSelector is set, the pods get labels naming the Job and its uid, and the selector picks
// them by uid, so no two Jobs can ever select each other's pods.
import type { Job } from './types.js';
import { controllerUidLabel, jobNameLabel, legacyControllerUidLabel, legacyJobNameLabel } from './types.js';

export function usesGeneratedSelector(job: Job): boolean {
  return job.spec?.manualSelector !== true;
}

/** Needs metadata.uid and metadata.name set; labels the user already chose are left alone. */
export function generateJobSelector(job: Job): void {
  const spec = (job.spec ??= {});
  const template = (spec.template ??= {});
  const meta = (template.metadata ??= {});
  const labels = (meta.labels ??= {});
  const name = job.metadata.name ?? '';
  const uid = job.metadata.uid ?? '';
  for (const key of [legacyJobNameLabel, jobNameLabel]) if (!(key in labels)) labels[key] = name;
  for (const key of [legacyControllerUidLabel, controllerUidLabel]) if (!(key in labels)) labels[key] = uid;
  const selector = (spec.selector ??= {});
  const matchLabels = (selector.matchLabels ??= {});
  if (!(controllerUidLabel in matchLabels)) matchLabels[controllerUidLabel] = uid;
}
