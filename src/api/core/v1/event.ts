// The core/v1 Event kind. Validation is deliberately light, as upstream's legacy event rules:
// the involved object's namespace must agree with the event's, and events with eventTime
// (written by the newer events API) must name their reporter, action and reason.
import type { KindDefinition } from '../../scheme/kind.js';
import { invalid, path, required, type FieldError } from '../../validation/field.js';
import { isDNS1123Subdomain } from '../../validation/names.js';
import { pathSegmentName, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import './event-schema.js';
import type { Event } from './types.js';
import { validateQualifiedName } from './validation-helpers.js';

const REPORTING_INSTANCE_LIMIT = 128;
const ACTION_LIMIT = 128;
const REASON_LIMIT = 128;
const NOTE_LIMIT = 1024;

export function validateEvent(ev: Event): FieldError[] {
  const errs: FieldError[] = [];
  const ns = ev.metadata.namespace ?? '';
  const involvedNs = ev.involvedObject?.namespace ?? '';
  const nsMismatch = () => invalid(path('involvedObject', 'namespace'), involvedNs, 'does not match event.namespace');
  if (!ev.eventTime) {
    // Old-style events: cluster-scoped objects may report into "default" for old clients.
    if (!involvedNs) {
      if (ns !== '' && ns !== 'default') errs.push(nsMismatch());
    } else if (ns !== involvedNs) {
      errs.push(nsMismatch());
    }
  } else {
    if (!involvedNs && ns !== 'default' && ns !== 'kube-system') errs.push(nsMismatch());
    const controller = ev.reportingComponent ?? '';
    if (!controller) errs.push(required(path('reportingComponent')));
    errs.push(...validateQualifiedName(controller, path('reportingComponent')));
    const instance = ev.reportingInstance ?? '';
    if (!instance) errs.push(required(path('reportingInstance')));
    if (instance.length > REPORTING_INSTANCE_LIMIT) errs.push(invalid(path('reportingInstance'), '', `can have at most ${REPORTING_INSTANCE_LIMIT} characters`));
    const action = ev.action ?? '';
    if (!action) errs.push(required(path('action')));
    if (action.length > ACTION_LIMIT) errs.push(invalid(path('action'), '', `can have at most ${ACTION_LIMIT} characters`));
    const reason = ev.reason ?? '';
    if (!reason) errs.push(required(path('reason')));
    if (reason.length > REASON_LIMIT) errs.push(invalid(path('reason'), '', `can have at most ${REASON_LIMIT} characters`));
    if ((ev.message ?? '').length > NOTE_LIMIT) errs.push(invalid(path('message'), '', `can have at most ${NOTE_LIMIT} characters`));
  }
  for (const msg of isDNS1123Subdomain(ns)) errs.push(invalid(path('namespace'), ns, msg));
  return errs;
}

export const eventKind: KindDefinition<Event> = {
  group: '',
  version: 'v1',
  kind: 'Event',
  plural: 'events',
  singular: 'event',
  shortNames: ['ev'],
  namespaced: true,
  schema: 'io.k8s.api.core.v1.Event',
  tracksGeneration: false,
  // Event names only need to be usable in a URL path, as the generic checks upstream require.
  validateCreate: (ev) => [...validateEvent(ev), ...validateObjectMeta(ev.metadata, true, pathSegmentName)],
  validateUpdate: (ev, old) => [...validateEvent(ev), ...validateObjectMetaUpdate(ev.metadata, old.metadata, path('metadata'))],
  fieldSelectors: {
    'involvedObject.kind': (e) => e.involvedObject?.kind ?? '',
    'involvedObject.namespace': (e) => e.involvedObject?.namespace ?? '',
    'involvedObject.name': (e) => e.involvedObject?.name ?? '',
    'involvedObject.uid': (e) => e.involvedObject?.uid ?? '',
    'involvedObject.apiVersion': (e) => e.involvedObject?.apiVersion ?? '',
    'involvedObject.resourceVersion': (e) => e.involvedObject?.resourceVersion ?? '',
    'involvedObject.fieldPath': (e) => e.involvedObject?.fieldPath ?? '',
    reason: (e) => e.reason ?? '',
    reportingComponent: (e) => e.reportingComponent ?? '',
    // Older reporters fill source.component, newer ones reportingComponent.
    source: (e) => e.source?.component || e.reportingComponent || '',
    type: (e) => e.type ?? '',
  },
};
