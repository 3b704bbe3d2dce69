// API errors as upstream's apimachinery/pkg/api/errors builds them: every failure a client
// sees is a meta/v1 Status with a reason, a code and a message worded as kube-apiserver words it.
import type { Status, StatusCause } from '../api/meta/types.js';
import { ref } from '../api/schema/dsl.js';
import { inGoFieldOrder } from '../api/schema/field-order.js';
import { formatFieldErrors, type FieldError } from '../api/validation/field.js';

export interface Qualified {
  group: string;
  /** Plural resource name as used in messages: `pods`, `deployments.apps`. */
  resource: string;
  kind?: string;
}

const STATUS = ref('io.k8s.apimachinery.pkg.apis.meta.v1.Status');

/** A Status with its fields in upstream's order, which is how clients that compare error bodies as text expect them. */
export function statusInOrder(s: Status): Status {
  return inGoFieldOrder(s, STATUS);
}

export class ApiError extends Error {
  readonly status: Status;
  constructor(status: Status) {
    super(status.message);
    this.status = statusInOrder(status);
  }
  get code(): number {
    return this.status.code;
  }
}

function qualifiedResource(q: Qualified): string {
  return q.group ? `${q.resource}.${q.group}` : q.resource;
}

function status(code: number, reason: string, message: string, details?: Status['details']): ApiError {
  const s: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  if (details) s.details = details;
  return new ApiError(s);
}

export const errors = {
  notFound(q: Qualified, name: string): ApiError {
    return status(404, 'NotFound', `${qualifiedResource(q)} "${name}" not found`, { name, group: q.group || undefined, kind: q.resource });
  },
  alreadyExists(q: Qualified, name: string): ApiError {
    return status(409, 'AlreadyExists', `${qualifiedResource(q)} "${name}" already exists`, { name, group: q.group || undefined, kind: q.resource });
  },
  conflict(q: Qualified, name: string, why: string): ApiError {
    return status(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(q)} "${name}": ${why}`, { name, group: q.group || undefined, kind: q.resource });
  },
  modified(q: Qualified, name: string): ApiError {
    return errors.conflict(q, name, 'the object has been modified; please apply your changes to the latest version and try again');
  },
  invalid(q: Qualified & { kind: string }, name: string, errs: readonly FieldError[]): ApiError {
    const causes: StatusCause[] = errs.map((e) => ({ reason: e.type, message: formatOneCause(e), field: e.field }));
    return status(422, 'Invalid', `${q.kind}${q.group ? `.${q.group}` : ''} "${name}" is invalid: ${formatFieldErrors(errs)}`, {
      name,
      group: q.group || undefined,
      kind: q.kind,
      causes,
    });
  },
  badRequest(message: string, causes?: StatusCause[]): ApiError {
    return status(400, 'BadRequest', message, causes ? { causes } : undefined);
  },
  unauthorized(message = 'Unauthorized'): ApiError {
    return status(401, 'Unauthorized', message);
  },
  forbidden(q: Qualified, name: string, why: string): ApiError {
    const subject = name ? `${qualifiedResource(q)} "${name}"` : qualifiedResource(q);
    return status(403, 'Forbidden', `${subject} is forbidden: ${why}`, { name: name || undefined, group: q.group || undefined, kind: q.resource });
  },
  methodNotAllowed(message: string): ApiError {
    return status(405, 'MethodNotAllowed', message);
  },
  notAcceptable(message: string): ApiError {
    return status(406, 'NotAcceptable', message);
  },
  unsupportedMediaType(contentType: string): ApiError {
    return status(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf${contentType ? '' : ''}`);
  },
  tooLarge(message = 'the server has received a request that is too large'): ApiError {
    return status(413, 'RequestEntityTooLarge', message);
  },
  gone(message: string): ApiError {
    return status(410, 'Expired', message);
  },
  timeout(message: string): ApiError {
    return status(504, 'Timeout', message);
  },
  tooManyRequests(message: string, retryAfterSeconds?: number): ApiError {
    return status(429, 'TooManyRequests', message, retryAfterSeconds ? { retryAfterSeconds } : undefined);
  },
  internal(err: unknown): ApiError {
    const msg = err instanceof Error ? err.message : String(err);
    return status(500, 'InternalError', `Internal error occurred: ${msg}`, { causes: [{ message: msg }] });
  },
  notFoundPath(): ApiError {
    return status(404, 'NotFound', 'the server could not find the requested resource', {});
  },
};

function formatOneCause(e: FieldError): string {
  // The cause message is the error without its field prefix.
  const full = formatFieldErrors([e]);
  return full.startsWith(`${e.field}: `) ? full.slice(e.field.length + 2) : full;
}

export function successStatus(details?: Status['details']): Status {
  const s: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 200 };
  if (details) s.details = details;
  return statusInOrder(s);
}

export function toApiError(err: unknown): ApiError {
  return err instanceof ApiError ? err : errors.internal(err);
}
