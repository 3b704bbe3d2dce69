// The body a request carried, kept beside the request (as its user is) for the audit log's
// requestObject: the decoded object where a handler decoded one (protobuf included), else the
// raw bytes as read.
const raw = new WeakMap<object, Buffer>();
const decoded = new WeakMap<object, unknown>();

export function noteRequestBody(req: object, body: Buffer): void {
  raw.set(req, body);
}

export function noteRequestObject(req: object, obj: unknown): void {
  decoded.set(req, obj);
}

export function requestBodyOf(req: object): { object?: unknown; raw?: Buffer } {
  return { object: decoded.get(req), raw: raw.get(req) };
}
