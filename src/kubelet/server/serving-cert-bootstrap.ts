// The kubelet's serving certificate through the certificates API (upstream's kubelet with
// serverTLSBootstrap and rotateCertificates): a kubelet-serving request as the node itself
// (CN system:node:<name>, O system:nodes) for the node's name and address, approved by the
// csrapproving controller when those are the node's own, issued by the cluster CA. The key is
// made here and kept in <dir>/kubelet-server-current.{crt,key}. Until the first one is issued the
// kubelet serves its self-signed certificate; each issued one replaces it on the running server.
import { X509Certificate } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CertificateManager } from '../../client/certificate-manager.js';
import type { CertificateTemplate } from '../../client/csr.js';
import type { ApiClient } from '../../client/rest.js';
import { readKeyPair, writeKeyPair, type KeyPair } from '../../util/key-pair.js';

const SIGNER = 'kubernetes.io/kubelet-serving';

export interface ServingCertificateOptions {
  /** The kubelet's own client (the node's identity): the request is made as the node. */
  client: ApiClient;
  dir: string;
  nodeName: string;
  /** The node's current address (its InternalIP). */
  nodeIP: () => string;
  /** Renew before expiry (--rotate-certificates); otherwise one certificate is asked for and kept. */
  rotate: boolean;
  log?: (line: string) => void;
}

export class KubeletServingCertificates {
  private readonly manager: CertificateManager;
  private readonly certPath: string;
  private readonly keyPath: string;
  private apply: (pair: KeyPair) => void = () => undefined;
  private stopped = false;

  constructor(private readonly o: ServingCertificateOptions) {
    this.certPath = join(o.dir, 'kubelet-server-current.crt');
    this.keyPath = join(o.dir, 'kubelet-server-current.key');
    this.manager = new CertificateManager(
      {
        template: () => this.template(),
        client: () => ({ client: o.client, close: () => undefined }),
        onRotate: (pair) => {
          mkdirSync(o.dir, { recursive: true, mode: 0o700 });
          writeKeyPair(this.certPath, this.keyPath, pair);
          this.apply(pair);
          o.log?.(`kubelet serving certificate issued for ${o.nodeName} (${this.template().subject.ipAddresses?.join(', ')})`);
        },
        log: o.log,
      },
      this.kept(),
    );
  }

  private template(): CertificateTemplate {
    return {
      signerName: SIGNER,
      usages: ['digital signature', 'server auth'],
      subject: { commonName: `system:node:${this.o.nodeName}`, organizations: ['system:nodes'], dnsNames: [this.o.nodeName], ipAddresses: [this.o.nodeIP()] },
    };
  }

  /** The issued certificate kept from an earlier run, when it is still valid for this node and address. */
  kept(): KeyPair | undefined {
    const pair = readKeyPair(this.certPath, this.keyPath);
    if (!pair) return undefined;
    try {
      const cert = new X509Certificate(pair.cert);
      const now = Date.now();
      const names = (cert.subjectAltName ?? '').split(', ');
      const fits = cert.subject.includes(`CN=system:node:${this.o.nodeName}`) && names.includes(`DNS:${this.o.nodeName}`) && names.includes(`IP Address:${this.o.nodeIP()}`);
      return fits && now >= Date.parse(cert.validFrom) && now < Date.parse(cert.validTo) ? pair : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Starts obtaining and renewing: `use` gets each issued pair. Without a kept certificate the
   * first request runs in the background (its approval may wait for the Node to register).
   */
  start(use: (pair: KeyPair) => void): void {
    this.apply = use;
    if (this.manager.current()) {
      if (this.o.rotate) this.manager.start();
      return;
    }
    void this.firstCertificate();
  }

  private async firstCertificate(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        await this.manager.rotate();
        if (this.o.rotate && !this.stopped) this.manager.start();
        return;
      } catch (err) {
        const backoff = Math.min(5 * 60_000, 10_000 * 2 ** attempt);
        this.o.log?.(`kubelet serving certificate: ${(err as Error).message}; serving the self-signed one, asking again in ${backoff / 1000}s`);
        await new Promise((r) => setTimeout(r, backoff).unref());
      }
    }
  }

  stop(): void {
    this.stopped = true;
    this.manager.stop();
  }
}
