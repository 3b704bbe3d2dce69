// One backend per proxy mode behind one interface: given the whole state, make the kernel's
// rules match it, writing as little as the backend allows.
import type { ProxyState } from './model.js';

export type ProxyMode = 'nftables' | 'iptables';

export interface SyncResult {
  full: boolean;
  /** Bytes of rules script handed to the kernel tool (0: nothing had changed). */
  bytes: number;
}

export interface Proxier {
  readonly mode: ProxyMode;
  /** Program `state`; `full` rewrites everything (also done on the first sync and after a failure). */
  sync(state: ProxyState, opts?: { full?: boolean }): Promise<SyncResult>;
  /** Remove every rule, chain and table this proxier owns. */
  cleanup(): Promise<void>;
  /** Stop any work of its own it has scheduled (the proxy is stopping). */
  close?(): void;
}
