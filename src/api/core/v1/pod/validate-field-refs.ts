// The downward API's references: a pod field or a container resource named by an env var's
// valueFrom or by a downwardAPI volume file (upstream validateObjectFieldSelector and
// validateContainerResourceFieldSelector). Kept apart so containers and volumes both use it.
import { invalid, notSupported, required, type FieldError, type FieldPath } from '../../../validation/field.js';
import { isQualifiedName } from '../../../validation/names.js';
import type { ObjectFieldSelector, ResourceFieldSelector } from './types.js';
import { parseQuantityValue } from './validate-common.js';

export const envFieldPaths = ['metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName', 'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs'];
export const volumeFieldPaths = ['metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid'];
const resourceFieldPaths = ['limits.cpu', 'limits.ephemeral-storage', 'limits.memory', 'requests.cpu', 'requests.ephemeral-storage', 'requests.memory'];
const resourceFieldPrefixes = ['limits.hugepages-', 'requests.hugepages-'];

/** Splits "metadata.labels['key']" into path and subscript. */
function splitSubscript(fieldPath: string): { path: string; subscript?: string } {
  const m = /^([^[]+)\['(.*)'\]$/.exec(fieldPath);
  return m ? { path: m[1]!, subscript: m[2]! } : { path: fieldPath };
}

export function validateObjectFieldSelector(fs: ObjectFieldSelector, valid: readonly string[], p: FieldPath): FieldError[] {
  if (!fs.apiVersion) return [required(p.child('apiVersion'), '')];
  if (!fs.fieldPath) return [required(p.child('fieldPath'), '')];
  if (fs.apiVersion !== 'v1') return [invalid(p.child('fieldPath'), fs.fieldPath, `error converting fieldPath: unsupported pod version: ${fs.apiVersion}`)];
  const { path, subscript } = splitSubscript(fs.fieldPath);
  if (subscript !== undefined) {
    if (path === 'metadata.annotations') return isQualifiedName(subscript.toLowerCase()).map((m) => invalid(p, subscript, m));
    if (path === 'metadata.labels') return isQualifiedName(subscript).map((m) => invalid(p, subscript, m));
    return [invalid(p, path, 'does not support subscript')];
  }
  if (!valid.includes(path)) return [notSupported(p.child('fieldPath'), path, valid)];
  return [];
}

const cpuDivisors = ['1m', '1'];
const memoryDivisors = ['1', '1k', '1M', '1G', '1T', '1P', '1E', '1Ki', '1Mi', '1Gi', '1Ti', '1Pi', '1Ei'];

export function validateContainerResourceFieldSelector(fs: ResourceFieldSelector, p: FieldPath, volume: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (volume && !fs.containerName) errs.push(required(p.child('containerName'), ''));
  if (!fs.resource) errs.push(required(p.child('resource'), ''));
  else if (!resourceFieldPaths.includes(fs.resource) && !resourceFieldPrefixes.some((x) => fs.resource.startsWith(x))) {
    errs.push(notSupported(p.child('resource'), fs.resource, resourceFieldPaths));
  } else if (fs.divisor !== undefined && String(fs.divisor) !== '0') {
    const divisor = parseQuantityValue(fs.divisor, p.child('divisor'), errs);
    if (divisor) {
      const isCPU = fs.resource.endsWith('.cpu');
      const allowed = isCPU ? cpuDivisors : memoryDivisors;
      const ok = allowed.some((d) => parseQuantityValue(d, p, []) ?.cmp(divisor) === 0);
      if (!ok) errs.push(invalid(p.child('divisor'), String(fs.divisor), `only divisor's values ${allowed.join(', ')} are supported with the ${isCPU ? 'cpu' : fs.resource.split('.')[1]} resource`));
    }
  }
  return errs;
}
