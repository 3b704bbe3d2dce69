// Two upgraded connections piped into each other (a proxied exec, attach or port-forward). When one
// side closes, the other is ended rather than destroyed: what it still buffers (a command's last
// output, under load) is flushed first, then it is destroyed once flushed or after a grace period.
// An error on either side ends both at once.
import type { Duplex } from 'node:stream';

const FLUSH_GRACE_MS = 10_000;

function endThenDestroy(s: Duplex, graceMs: number): void {
  if (s.destroyed) return;
  s.end();
  if (s.writableFinished) return void s.destroy();
  s.once('finish', () => s.destroy());
  setTimeout(() => s.destroy(), graceMs).unref();
}

export function splice(a: Duplex, b: Duplex, graceMs = FLUSH_GRACE_MS): void {
  const teardown = (): void => {
    a.destroy();
    b.destroy();
  };
  a.on('error', teardown);
  b.on('error', teardown);
  a.on('close', () => endThenDestroy(b, graceMs));
  b.on('close', () => endThenDestroy(a, graceMs));
  a.pipe(b);
  b.pipe(a);
}
