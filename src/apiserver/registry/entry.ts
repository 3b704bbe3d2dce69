// One served resource: the api-layer kind definition plus what serving it needs.
import type { KindDefinition } from '../../api/scheme/kind.js';
import type { TablePrinter } from '../printers/index.js';

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
  subresources: readonly string[];
}

export const allVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] as const;
