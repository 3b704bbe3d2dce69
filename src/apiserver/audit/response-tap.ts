// Ties a request's audit to its response without the handlers knowing: the headers going out
// start a long-running response, the bytes written are kept when the level or a failure asks
// for the body, and the response ending completes the audit.
import type { AnyResponse } from '../http/respond.js';
import type { RequestAudit } from './event.js';

type Writer = (...args: unknown[]) => unknown;

export function tapResponse(audit: RequestAudit, res: AnyResponse): void {
  const r = res as unknown as { writeHead: Writer; write: Writer; end: Writer };
  const writeHead = r.writeHead.bind(res);
  const write = r.write.bind(res);
  const end = r.end.bind(res);
  r.writeHead = (...args) => {
    const out = writeHead(...args);
    audit.responseStarted();
    return out;
  };
  // HTTP/2's end() writes its chunk through write(), HTTP/1.1's does not: a chunk end() was
  // given is kept only when write() did not see it.
  let ending = false;
  let seenInEnd = false;
  r.write = (chunk, ...rest) => {
    if (audit.wantsResponseBody(res.statusCode)) audit.captureResponse(chunk);
    if (ending) seenInEnd = true;
    return write(chunk, ...rest);
  };
  r.end = (chunk, ...rest) => {
    ending = true;
    const out = end(chunk, ...rest);
    ending = false;
    if (!seenInEnd && chunk !== undefined && typeof chunk !== 'function' && audit.wantsResponseBody(res.statusCode)) audit.captureResponse(chunk);
    return out;
  };
  res.once('finish', () => audit.complete(res.statusCode));
  res.once('close', () => audit.complete(res.statusCode));
}
