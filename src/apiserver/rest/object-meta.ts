// System-owned metadata: what the server sets on create and carries across updates.
import { randomInt, randomUUID } from 'node:crypto';
import type { KubeObject } from '../../api/meta/types.js';
import { rfc3339 } from '../../util/time.js';

// Upstream's generateName alphabet: no vowels (no accidental words) and no look-alike digits.
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const SUFFIX_LENGTH = 5;
const MAX_NAME_LENGTH = 63;

export function generateName(prefix: string): string {
  const base = prefix.length > MAX_NAME_LENGTH - SUFFIX_LENGTH ? prefix.slice(0, MAX_NAME_LENGTH - SUFFIX_LENGTH) : prefix;
  let s = base;
  for (let i = 0; i < SUFFIX_LENGTH; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}

/** RFC 3339 with second precision, as metav1.Time serializes. */
export function nowTimestamp(clock: () => number = Date.now): string {
  return rfc3339(clock());
}

export function fillCreateMeta(obj: KubeObject, now: string, tracksGeneration: boolean): void {
  const m = obj.metadata;
  m.uid = randomUUID();
  m.creationTimestamp = now;
  delete m.deletionTimestamp;
  delete m.deletionGracePeriodSeconds;
  delete m.resourceVersion;
  delete m.selfLink;
  if (tracksGeneration) m.generation = 1;
  else delete m.generation;
}

/** Carry the fields a client may not change through an update. */
export function carryUpdateMeta(obj: KubeObject, old: KubeObject): void {
  const m = obj.metadata;
  const o = old.metadata;
  m.uid = o.uid;
  m.creationTimestamp = o.creationTimestamp;
  if (o.deletionTimestamp) m.deletionTimestamp = o.deletionTimestamp;
  else delete m.deletionTimestamp;
  if (o.deletionGracePeriodSeconds !== undefined) m.deletionGracePeriodSeconds = o.deletionGracePeriodSeconds;
  else delete m.deletionGracePeriodSeconds;
  if (o.generation !== undefined) m.generation = o.generation;
  else delete m.generation;
  delete m.selfLink;
}

/** Everything but metadata and status: a change here is a new generation. */
export function specOf(obj: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return rest;
}
