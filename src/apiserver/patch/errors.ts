// The one error type the patch engines throw. `code` is the HTTP status the apiserver answers
// with; `message` is worded as kube-apiserver words it, so kubectl prints what users expect.

export type PatchErrorCode = 400 | 413 | 422;

export class PatchError extends Error {
  constructor(
    readonly code: PatchErrorCode,
    message: string,
    /** Why the patch failed when `message` is deliberately generic (JSON patch op failures). */
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'PatchError';
  }
}

/** kube-apiserver's generic 422 text for any JSON patch operation that does not apply. */
export const JSON_PATCH_REJECTED = 'the server rejected our request due to an error in our request';

export const badRequest = (message: string): PatchError => new PatchError(400, message);
export const unprocessable = (message: string, detail?: string): PatchError => new PatchError(422, message, detail);
