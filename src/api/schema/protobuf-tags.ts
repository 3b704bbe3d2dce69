// Protocol-buffer field numbers of the API types, so that bodies sent as
// application/vnd.kubernetes.protobuf (what client-go's typed clients, and so kubectl, send)
// can be decoded. The schema DSL says what type each JSON field has; these tables add only
// what the wire needs: which number carries which JSON field. Numbers are those of upstream's
// generated.proto files (go-to-protobuf numbers fields in Go struct order and never reuses the
// number of a removed field); the tables were checked against the descriptors compiled into
// kubectl 1.32. A wrong number silently corrupts data, so add entries only from upstream.

export interface ProtoTags {
  /** JSON field name → field number. */
  readonly fields: Readonly<Record<string, number>>;
  /** Field number → JSON field name. */
  readonly byNumber: ReadonlyMap<number, string>;
  /**
   * Field number → a message that exists only on the wire: Go embeds the struct with
   * `json:",inline"`, so in JSON its fields sit directly in this object (Probe's handler,
   * Volume's volumeSource, the LocalObjectReference inside key selectors …).
   */
  readonly inline: ReadonlyMap<number, string>;
  /**
   * Fields Go holds as plain values (not pointers) tagged omitempty. Go's protobuf encoder
   * writes such a field even when it is zero, where its JSON encoder leaves it out; a zero
   * there means "not set", so the decoder drops it to produce what a JSON client would send.
   */
  readonly omitEmpty: ReadonlySet<string>;
}

export interface ProtoTagOptions {
  inline?: Readonly<Record<number, string>>;
  omitEmpty?: readonly string[];
}

const tables = new Map<string, ProtoTags>();

/** Register the field numbers of one message, named as the schema DSL names its definition. */
export function defineProtoTags(name: string, fields: Record<string, number>, opts: ProtoTagOptions = {}): void {
  if (tables.has(name)) throw new Error(`protobuf tags of ${name} defined twice`);
  const byNumber = new Map<number, string>();
  for (const [field, n] of Object.entries(fields)) {
    if (!Number.isInteger(n) || n < 1) throw new Error(`protobuf tags of ${name}: ${field} has an invalid number ${n}`);
    if (byNumber.has(n)) throw new Error(`protobuf tags of ${name}: number ${n} used by ${byNumber.get(n)} and ${field}`);
    byNumber.set(n, field);
  }
  const inline = new Map<number, string>();
  for (const [n, sub] of Object.entries(opts.inline ?? {})) {
    const num = Number(n);
    if (byNumber.has(num) || inline.has(num)) throw new Error(`protobuf tags of ${name}: number ${n} used twice`);
    inline.set(num, sub);
  }
  for (const f of opts.omitEmpty ?? []) if (!(f in fields)) throw new Error(`protobuf tags of ${name}: omitEmpty names unknown field ${f}`);
  tables.set(name, { fields, byNumber, inline, omitEmpty: new Set(opts.omitEmpty ?? []) });
}

export function lookupProtoTags(name: string): ProtoTags | undefined {
  return tables.get(name);
}

export function allProtoTags(): ReadonlyMap<string, ProtoTags> {
  return tables;
}

// ---- io.k8s.apimachinery.pkg.apis.meta.v1 (k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto) ----
// Time, MicroTime, FieldsV1 and the other wrappers of a single value are decoded by the
// decoder itself; they have no table here.

const P = 'io.k8s.apimachinery.pkg.apis.meta.v1';

defineProtoTags(`${P}.OwnerReference`, { kind: 1, name: 3, uid: 4, apiVersion: 5, controller: 6, blockOwnerDeletion: 7 });
defineProtoTags(`${P}.ManagedFieldsEntry`, {
  manager: 1, operation: 2, apiVersion: 3, time: 4, fieldsType: 6, fieldsV1: 7, subresource: 8,
}, {
  omitEmpty: ['manager', 'operation', 'apiVersion', 'fieldsType', 'subresource'],
});
defineProtoTags(`${P}.ObjectMeta`, {
  name: 1, generateName: 2, namespace: 3, selfLink: 4, uid: 5, resourceVersion: 6, generation: 7, creationTimestamp: 8, deletionTimestamp: 9,
  deletionGracePeriodSeconds: 10, labels: 11, annotations: 12, ownerReferences: 13, finalizers: 14, managedFields: 17,
}, {
  omitEmpty: ['name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation'],
});
defineProtoTags(`${P}.ListMeta`, {
  selfLink: 1, resourceVersion: 2, continue: 3, remainingItemCount: 4,
}, {
  omitEmpty: ['selfLink', 'resourceVersion', 'continue'],
});
defineProtoTags(`${P}.LabelSelectorRequirement`, { key: 1, operator: 2, values: 3 });
defineProtoTags(`${P}.LabelSelector`, { matchLabels: 1, matchExpressions: 2 });
defineProtoTags(`${P}.Condition`, {
  type: 1, status: 2, observedGeneration: 3, lastTransitionTime: 4, reason: 5, message: 6,
}, {
  omitEmpty: ['observedGeneration'],
});
defineProtoTags(`${P}.StatusCause`, { reason: 1, message: 2, field: 3 }, { omitEmpty: ['reason', 'message', 'field'] });
defineProtoTags(`${P}.StatusDetails`, {
  name: 1, group: 2, kind: 3, causes: 4, retryAfterSeconds: 5, uid: 6,
}, {
  omitEmpty: ['name', 'group', 'kind', 'uid', 'retryAfterSeconds'],
});
defineProtoTags(`${P}.Status`, { metadata: 1, status: 2, message: 3, reason: 4, details: 5, code: 6 }, { omitEmpty: ['status', 'message', 'reason', 'code'] });
defineProtoTags(`${P}.Preconditions`, { uid: 1, resourceVersion: 2 });
defineProtoTags(`${P}.DeleteOptions`, {
  gracePeriodSeconds: 1, preconditions: 2, orphanDependents: 3, propagationPolicy: 4, dryRun: 5, ignoreStoreReadErrorWithClusterBreakingPotential: 6,
});
defineProtoTags(`${P}.Patch`, {});
