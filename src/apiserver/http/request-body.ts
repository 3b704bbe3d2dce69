// The body a request carried, kept beside the request (as its user is) for the audit log's
// requestObject: the decoded object where a handler decoded one (protobuf included), else the
// raw bytes as read.
const raw = new WeakMap<object, Buffer>();
const decoded = new WeakMap<object, unknown>();
/** Copies of decoded bodies cost a clone per write: made only once an audit log may want them. */
let keepDecoded = false;

export function keepRequestObjects(): void {
  keepDecoded = true;
}

export function noteRequestBody(req: object, body: Buffer): void {
  raw.set(req, body);
}

/** `obj` is copied here: the handlers go on to default and mutate what they decoded. */
export function noteRequestObject(req: object, obj: unknown): void {
  if (keepDecoded) decoded.set(req, structuredClone(obj));
}

export function requestBodyOf(req: object): { object?: unknown; raw?: Buffer } {
  return { object: decoded.get(req), raw: raw.get(req) };
}
