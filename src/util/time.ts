// Kubernetes' timestamp formats, RFC 3339 in UTC as Go's encoders write them.

/** metav1.Time (and Go's time.RFC3339 layout): to the second, fractions dropped. */
export function rfc3339(ms: number = Date.now()): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** metav1.MicroTime: six fractional digits (JavaScript's clock has three). */
export function rfc3339Micro(ms: number = Date.now()): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
