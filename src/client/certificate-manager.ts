// Keeps a certificate fresh through the certificates API, as client-go's
// util/certificate.Manager does for the kubelet: at a jittered deadline between 70% and 84% of
// the certificate's lifetime it makes a new key, asks for a certificate for it, and hands the
// pair to whoever uses it. A failed attempt is retried with backoff (up to five minutes) while
// the old certificate still serves.
import { X509Certificate } from 'node:crypto';
import type { KeyPair } from '../util/key-pair.js';
import { newPrivateKey } from '../util/csr.js';
import { requestCertificate, type CertificateTemplate, type WaitOptions } from './csr.js';
import type { ApiClient } from './rest.js';

/** Longest single timer: setTimeout's limit is ~24.8 days, a certificate lives a year. */
const MAX_TIMER_MS = 24 * 3600 * 1000;
const MAX_BACKOFF_MS = 5 * 60 * 1000;

/** upstream's nextRotationDeadline: notBefore + jitter(70% of the lifetime, 0.2). */
export function rotationDeadline(certPem: string, random: () => number = Math.random): number {
  const cert = new X509Certificate(certPem);
  const notBefore = Date.parse(cert.validFrom);
  const total = Date.parse(cert.validTo) - notBefore;
  return notBefore + total * 0.7 * (1 + 0.2 * random());
}

export interface CertificateManagerOptions {
  /** What to ask for; a function when it depends on the moment (a kubelet's current addresses). */
  template: CertificateTemplate | (() => CertificateTemplate);
  /** The client to ask with, and its release (the certificate's own identity, or a bootstrap one when it has expired). */
  client(current: KeyPair | undefined): { client: ApiClient; close(): void };
  /** Called with each new pair once it is issued: keep it, start using it. */
  onRotate(pair: KeyPair): void | Promise<void>;
  log?: (line: string) => void;
  wait?: WaitOptions;
  random?: () => number;
}

export class CertificateManager {
  private pair: KeyPair | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private failures = 0;

  constructor(private readonly o: CertificateManagerOptions, initial?: KeyPair) {
    this.pair = initial;
  }

  current(): KeyPair | undefined {
    return this.pair;
  }

  /** Obtains a new certificate now (and hands it over); rejects when the request fails. */
  async rotate(): Promise<KeyPair> {
    const template = typeof this.o.template === 'function' ? this.o.template() : this.o.template;
    const key = newPrivateKey();
    const { client, close } = this.o.client(this.pair);
    let cert: string;
    try {
      cert = await requestCertificate(client, template, key, { log: this.o.log, ...this.o.wait });
    } finally {
      close();
    }
    const pair = { cert, key };
    this.pair = pair;
    await this.o.onRotate(pair);
    return pair;
  }

  /** Schedules renewals from the current certificate's deadline on; needs a current certificate. */
  start(): void {
    if (!this.stopped) this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(delayOverride?: number): void {
    if (this.stopped || !this.pair) return;
    const deadline = rotationDeadline(this.pair.cert, this.o.random);
    const wait = delayOverride ?? Math.max(0, deadline - Date.now());
    this.timer = setTimeout(() => void this.tick(delayOverride === undefined && wait > MAX_TIMER_MS), Math.min(wait, MAX_TIMER_MS));
    this.timer.unref();
  }

  private async tick(early: boolean): Promise<void> {
    if (this.stopped) return;
    if (early) return this.schedule();
    try {
      await this.rotate();
      this.failures = 0;
      this.o.log?.(`rotated certificate for ${this.pair && subjectOf(this.pair.cert)}; next rotation at ${new Date(rotationDeadline(this.pair!.cert, this.o.random)).toISOString()}`);
      this.schedule();
    } catch (err) {
      this.failures++;
      const backoff = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(this.failures, 9));
      this.o.log?.(`certificate rotation failed (retrying in ${Math.round(backoff / 1000)}s): ${(err as Error).message}`);
      this.schedule(backoff);
    }
  }
}

function subjectOf(pem: string): string {
  try {
    return new X509Certificate(pem).subject.replace(/\n/g, ', ');
  } catch {
    return '?';
  }
}
