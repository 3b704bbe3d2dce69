// One served resource: the api-layer kind definition plus what serving it needs, including the
// subresources it offers and what serves each. The HTTP dispatch reads all of it from here.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { KindDefinition } from '../../api/scheme/kind.js';
import type { AnyRequest } from '../http/body.js';
import type { AnyResponse } from '../http/respond.js';
import type { TablePrinter } from '../printers/index.js';

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** One request to a resource's own handler (a subresource, or a verb the entry serves itself). */
export interface ResourceCall {
  entry: ResourceEntry;
  /** get, create, update, patch, delete … as the request info names it. */
  verb: string;
  namespace: string | undefined;
  /** The object named on the URL; empty on a collection. */
  name: string;
  /** A connect subresource's path below it (`proxy/{path}`), still percent-encoded; see ResourceRequest.subpath. */
  subpath?: string;
  query: URLSearchParams;
  req: AnyRequest;
  res: AnyResponse;
  dryRun: boolean;
  fieldManager: string;
}

/** Serves the call and writes the response; verbs it does not serve are its to refuse. */
export type ResourceHandler = (call: ResourceCall) => Promise<void>;

/** An HTTP/1.1 upgrade (WebSocket, SPDY) to a connect subresource, after authentication. */
export interface UpgradeCall {
  entry: ResourceEntry;
  namespace: string | undefined;
  name: string;
  subpath?: string;
  query: URLSearchParams;
  req: IncomingMessage;
  socket: Duplex;
  head: Buffer;
}

export interface Subresource {
  name: string;
  /** The verbs discovery lists. */
  verbs: readonly string[];
  /** The kind requests and answers carry, as discovery lists it. */
  kind: GroupVersionKind;
  serve: ResourceHandler;
  /**
   * A connection to something behind the server, as upstream's Connecter: any method, a path
   * below it (`call.subpath`), and what the client accepts is the backend's business.
   */
  connect?: boolean;
  /** Relays an upgrade request; without it an upgrade to the subresource is served as a plain request. */
  upgrade?: (call: UpgradeCall) => Promise<void>;
}

/**
 * What serving a resource adds to its kind definition, as upstream's per-resource REST storage
 * does: its subresources, and the verbs it answers in its own way.
 */
export interface ResourceServing {
  subresources?: readonly Subresource[];
  /** DELETE answers with the deleted object rather than a Status. */
  deleteReturnsObject?: boolean;
  /** Creation is answered by this handler, not stored (TokenReview). */
  create?: ResourceHandler;
}

/** Gives each entry what serves it; called once per entry. */
export type ServingProvider = (entry: ResourceEntry) => ResourceServing;

export interface ResourceEntry {
  def: KindDefinition;
  group: string;
  version: string;
  kind: string;
  /** Plural resource name, e.g. "deployments". */
  resource: string;
  namespaced: boolean;
  /** "v1" or "apps/v1". */
  apiVersion: string;
  /** Storage key prefix shared by every version of the resource, ending in '/'. */
  keyPrefix: string;
  /** The entry whose objects are stored (itself, or the storage version for multi-version resources). */
  storage: ResourceEntry;
  printer: TablePrinter;
  verbs: readonly string[];
  /** Filled in when the server installs its handlers (`Registry.serve`). */
  subresources: readonly Subresource[];
  deleteReturnsObject: boolean;
  create?: ResourceHandler;
}

export const allVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] as const;

/**
 * Whether a stored object is served as its stored bytes: the entry owns the storage and needs
 * no conversion of this object. A custom resource's storage version still converts objects an
 * earlier storage version wrote, and defaults what its schema defaults on read.
 */
export function servesStoredBytes(entry: ResourceEntry, stored: { apiVersion?: string }): boolean {
  if (entry.storage !== entry) return false;
  if (!entry.def.storedAs) return true;
  return !entry.def.default && stored.apiVersion === entry.apiVersion;
}
