// What the api layer knows about one kind: its names, its schema, and its strategy
// (defaulting, validation, what a create/update/status write may change). The API server
// wraps each of these into a registry entry with Table columns and subresources; adding a
// kind is adding one of these, never touching HTTP code.
import type { KubeObject } from '../meta/types.js';
import type { FieldError } from '../validation/field.js';

/** The authenticated user of a request, as a strategy sees it. */
export interface RequestingUser {
  name: string;
  uid?: string;
  groups: readonly string[];
  extra?: Readonly<Record<string, readonly string[]>>;
}

export interface ScaleSpec {
  /** JSON paths (dot-separated) into the object. */
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

export interface KindDefinition<T extends KubeObject = KubeObject> {
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  shortNames?: readonly string[];
  categories?: readonly string[];
  namespaced: boolean;
  /** Name of the top-level schema definition, e.g. "io.k8s.api.core.v1.Pod". */
  schema: string;
  /** Verbs served; defaults to the full set. Binding-like kinds serve only create. */
  verbs?: readonly string[];
  /** Serves the `status` subresource; main-resource writes then leave `.status` untouched. */
  hasStatus?: boolean;
  scale?: ScaleSpec;
  /** metadata.generation is bumped when anything but metadata/status changes. Default: true. */
  tracksGeneration?: boolean;

  /** Fill in defaults in place (applied on create, update and patch results, as upstream's defaulting on decode). */
  default?(obj: T): void;
  /**
   * Strategy hook on create, before validation: reset status, set computed fields. `requester`
   * is who asks (none for the server's own writes), for kinds that record it (a
   * CertificateSigningRequest's spec.username, as upstream's strategy reads the request's user).
   */
  prepareForCreate?(obj: T, requester?: RequestingUser): void;
  /** Strategy hook on update of the main resource, before validation. */
  prepareForUpdate?(obj: T, old: T): void;
  /** Strategy hook on a status-subresource write, before validation (e.g. stamping a phase change). */
  prepareForStatusUpdate?(obj: T, old: T): void;
  /** The strategy's WarningsOnCreate / WarningsOnUpdate: deprecations a client is told of (kubectl's `Warning:`). */
  warnings?(obj: T, old?: T): string[];
  validateCreate?(obj: T): FieldError[];
  validateUpdate?(obj: T, old: T): FieldError[];
  validateStatusUpdate?(obj: T, old: T): FieldError[];

  /**
   * Graceful deletion: the grace period (seconds) a delete request gets, given the one the
   * client asked for. Undefined (or absent hook) means delete at once. Pods return
   * spec.terminationGracePeriodSeconds for bound pods and 0 for unscheduled ones, as upstream.
   */
  deletionGracePeriod?(obj: T, requested: number | undefined): number | undefined;

  /**
   * Deletion that also waits on something other than metadata.finalizers (a Namespace's
   * spec.finalizers). Marks `obj` as terminating in place and returns true to keep it stored.
   */
  pendingDeletion?(obj: T): boolean;

  /** Per-kind field selectors beyond metadata.name / metadata.namespace. */
  fieldSelectors?: Record<string, (obj: T) => string | undefined>;

  /**
   * Several versions of one resource share storage (autoscaling v1/v2, events v1/events.k8s.io).
   * The kind whose storage is borrowed is named here, with converters to and from it.
   */
  storedAs?: { group: string; version: string; toStorage(obj: T): KubeObject; fromStorage(obj: KubeObject): T };

  /**
   * A custom resource's kind (served from a CRD): no strategic merge patch (upstream answers 415),
   * Table columns from the CRD's additionalPrinterColumns, and OpenAPI from its own schema.
   */
  custom?: CustomKindServing;
}

/** An additionalPrinterColumn of a CRD version. */
export interface PrinterColumn {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

export interface CustomKindServing {
  printerColumns: readonly PrinterColumn[];
  /** The version's OpenAPI v3 schema (JSONSchemaProps) as published, under the upstream definition name. */
  openApiName: string;
  openApiSchema: Record<string, unknown>;
  /** Refuses creates (a CRD being deleted), with upstream's message. */
  terminating?: () => boolean;
  /**
   * Conversion strategy Webhook: converts objects (of any versions) to `desiredAPIVersion`;
   * rejects with upstream's message, `source` naming what was converted in it.
   */
  convert?: (objects: KubeObject[], desiredAPIVersion: string, source: string) => Promise<KubeObject[]>;
}
