// Validation of events.k8s.io/v1 Event (upstream's pkg/apis/core/validation/events.go, the strict
// path taken for requests through events.k8s.io). Upstream validates the internal (core-shaped)
// object, so reported field paths use core names where the two differ ("message", "involvedObject").
import { isDeepStrictEqual } from 'node:util';
import { invalid, path, required, type FieldError } from '../../validation/field.js';
import { isDNS1123Subdomain, isQualifiedName } from '../../validation/names.js';
import { fieldImmutableErrorMsg, nameIsDNSSubdomain, validateImmutableField, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import type { EventsEvent } from './types.js';

const reportingInstanceLengthLimit = 128;
const actionLengthLimit = 128;
const reasonLengthLimit = 128;
const noteLengthLimit = 1024;

const isSet = (s: string | undefined | null): s is string => s !== undefined && s !== null && s !== '';
const byteLength = (s: string | undefined) => Buffer.byteLength(s ?? '');

/** A MicroTime as microseconds since the epoch; undefined when absent or unparseable. */
export function microsOf(t: string | undefined | null): number | undefined {
  if (!t) return undefined;
  const m = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(t);
  if (!m) return undefined;
  const seconds = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(seconds)) return undefined;
  const frac = (m[2] ?? '').padEnd(6, '0').slice(0, 6);
  return seconds * 1000 + Number(frac);
}

/** Checks every Event must pass, whichever API wrote it (legacyValidateEvent). */
function validateCommon(ev: EventsEvent): FieldError[] {
  const errs: FieldError[] = [];
  const ns = ev.metadata.namespace ?? '';
  const regardingNs = ev.regarding?.namespace ?? '';
  const nsPath = path('involvedObject', 'namespace');
  if (!isSet(ev.eventTime)) {
    // Old-style events: the event lives in the namespace of the object it is about.
    if (!regardingNs) {
      if (ns !== '' && ns !== 'default') errs.push(invalid(nsPath, regardingNs, 'does not match event.namespace'));
    } else if (ns !== regardingNs) {
      errs.push(invalid(nsPath, regardingNs, 'does not match event.namespace'));
    }
  } else {
    if (!regardingNs && ns !== 'default' && ns !== 'kube-system') errs.push(invalid(nsPath, regardingNs, 'does not match event.namespace'));
    const controller = ev.reportingController ?? '';
    if (!controller) errs.push(required(path('reportingController')));
    for (const m of isQualifiedName(controller)) errs.push(invalid(path('reportingController'), controller, m));
    if (!isSet(ev.reportingInstance)) errs.push(required(path('reportingInstance')));
    if (byteLength(ev.reportingInstance) > reportingInstanceLengthLimit) {
      errs.push(invalid(path('reportingInstance'), '', `can have at most ${reportingInstanceLengthLimit} characters`));
    }
    if (!isSet(ev.action)) errs.push(required(path('action')));
    if (byteLength(ev.action) > actionLengthLimit) errs.push(invalid(path('action'), '', `can have at most ${actionLengthLimit} characters`));
    if (!isSet(ev.reason)) errs.push(required(path('reason')));
    if (byteLength(ev.reason) > reasonLengthLimit) errs.push(invalid(path('reason'), '', `can have at most ${reasonLengthLimit} characters`));
    if (byteLength(ev.note) > noteLengthLimit) errs.push(invalid(path('message'), '', `can have at most ${noteLengthLimit} characters`));
  }
  for (const m of isDNS1123Subdomain(ns)) errs.push(invalid(path('namespace'), ns, m));
  return errs;
}

function validateSeries(ev: EventsEvent): FieldError[] {
  const errs: FieldError[] = [];
  if (!ev.series) return errs;
  if ((ev.series.count ?? 0) < 2) errs.push(invalid('series.count', '', 'should be at least 2'));
  if (!isSet(ev.series.lastObservedTime)) errs.push(required('series.lastObservedTime'));
  return errs;
}

const isEmptySource = (s: EventsEvent['deprecatedSource']) => !s || (!s.component && !s.host);

export function validateEventCreate(ev: EventsEvent): FieldError[] {
  const errs = validateCommon(ev);
  errs.push(...validateObjectMeta(ev.metadata, true, nameIsDNSSubdomain));
  errs.push(...validateSeries(ev));
  if (!isSet(ev.eventTime)) errs.push(required(path('eventTime')));
  if (ev.type !== 'Normal' && ev.type !== 'Warning') errs.push(invalid(path('type'), '', `has invalid value: ${ev.type ?? ''}`));
  // The deprecated fields exist only so old events read back; new events must not use them.
  if (isSet(ev.deprecatedFirstTimestamp)) errs.push(invalid(path('deprecatedFirstTimestamp'), '', 'needs to be unset'));
  if (isSet(ev.deprecatedLastTimestamp)) errs.push(invalid(path('deprecatedLastTimestamp'), '', 'needs to be unset'));
  if (ev.deprecatedCount) errs.push(invalid(path('deprecatedCount'), '', 'needs to be unset'));
  if (!isEmptySource(ev.deprecatedSource)) errs.push(invalid(path('deprecatedSource'), '', 'needs to be unset'));
  return errs;
}

/** Object-valued fields compare with absent and empty as equal, as Go's zero structs do. */
function immutableStruct(a: object | undefined, b: object | undefined, p: string): FieldError[] {
  const norm = (o: object | undefined) => Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined && v !== '' && v !== null));
  return isDeepStrictEqual(norm(a), norm(b)) ? [] : [invalid(path(p), a ?? {}, fieldImmutableErrorMsg)];
}

export function validateEventUpdate(ev: EventsEvent, old: EventsEvent): FieldError[] {
  const errs = validateCommon(ev);
  errs.push(...validateObjectMetaUpdate(ev.metadata, old.metadata, undefined, { requireResourceVersion: false }));
  // A series is what an update is for; its new data must still make sense.
  if (!isDeepStrictEqual(ev.series, old.series)) errs.push(...validateSeries(ev));
  errs.push(...immutableStruct(ev.regarding, old.regarding, 'involvedObject'));
  errs.push(...validateImmutableField(ev.reason, old.reason, path('reason')));
  errs.push(...validateImmutableField(ev.note, old.note, path('message')));
  errs.push(...immutableStruct(ev.deprecatedSource, old.deprecatedSource, 'source'));
  errs.push(...validateImmutableField(ev.deprecatedFirstTimestamp, old.deprecatedFirstTimestamp, path('firstTimestamp')));
  errs.push(...validateImmutableField(ev.deprecatedLastTimestamp, old.deprecatedLastTimestamp, path('lastTimestamp')));
  errs.push(...validateImmutableField(ev.deprecatedCount || undefined, old.deprecatedCount || undefined, path('count')));
  errs.push(...validateImmutableField(ev.type, old.type, path('type')));
  // Clients that round eventTime to microseconds differently must still be able to update.
  const now = microsOf(ev.eventTime);
  const before = microsOf(old.eventTime);
  if (now !== before && (now === undefined || before === undefined || Math.abs(now - before) > 1)) {
    errs.push(invalid(path('eventTime'), ev.eventTime ?? null, fieldImmutableErrorMsg));
  }
  errs.push(...validateImmutableField(ev.action, old.action, path('action')));
  errs.push(...immutableStruct(ev.related, old.related, 'related'));
  errs.push(...validateImmutableField(ev.reportingController, old.reportingController, path('reportingController')));
  errs.push(...validateImmutableField(ev.reportingInstance, old.reportingInstance, path('reportingInstance')));
  return errs;
}
