// The network-policy enforcer of one node (kube-router's and Calico's job in other clusters):
// informers on NetworkPolicies, Pods and Namespaces keep the state; a rate-limited runner turns
// it into this node's ruleset and writes it to its own nftables table, fully at start (and
// hourly, and after a failure), as a difference otherwise.
import { readFile, writeFile } from 'node:fs/promises';
import type { Pod } from '../api/core/v1/pod/types.js';
import type { Namespace } from '../api/core/v1/types.js';
import type { NetworkPolicy } from '../api/networking/v1/types.js';
import { Informer } from '../client/informer.js';
import type { ClientConfig } from '../client/kubeconfig.js';
import { keyOf, R } from '../client/resources.js';
import { RestClient } from '../client/rest.js';
import { run, runWithInput } from '../util/netfilter/exec.js';
import { DEFAULT_SYNC_RUNNER, SyncedGenerations, SyncRunner, type SyncRunnerOptions } from '../util/netfilter/sync-runner.js';
import { compilePolicy, type CompiledPolicy } from './compile.js';
import { namespaceLabels, podInfo, type PodInfo, type PolicyState } from './model.js';
import { diffScript, fullScript } from './render.js';
import { desiredRuleset, type NftState } from './ruleset.js';

export const DEFAULT_NETPOL_TABLE = 'k8ts-network-policy';
const FULL_SYNC_PERIOD_MS = 60 * 60 * 1000;
/** Policies change less often than endpoints: a shorter minimum interval than the proxy's still folds bursts. */
const NETPOL_SYNC_RUNNER: SyncRunnerOptions = { ...DEFAULT_SYNC_RUNNER, minIntervalMs: 200 };

export interface NetworkPolicyOptions {
  nodeName: string;
  /** nftables table (default "k8ts-network-policy"). */
  table?: string;
  runner?: Partial<SyncRunnerOptions>;
  log?: (line: string) => void;
  nft?: string;
}

export interface NetpolSyncRecord {
  full: boolean;
  /** Bytes of nft script written (0: nothing had changed). */
  bytes: number;
  ms: number;
}

export class NetworkPolicyEnforcer {
  readonly table: string;
  private readonly pods = new Map<string, PodInfo>();
  private readonly namespaces = new Map<string, Record<string, string>>();
  private readonly policies = new Map<string, NetworkPolicy>();
  private readonly compiled = new WeakMap<NetworkPolicy, CompiledPolicy | undefined>();
  /** Policies whose errors were logged, by key → resourceVersion, so each version is told once. */
  private readonly reported = new Map<string, string | undefined>();
  private readonly runner: SyncRunner;
  private readonly log: (line: string) => void;
  private written?: NftState;
  private lastFull = 0;
  private ready = false;
  private readonly generations = new SyncedGenerations();
  lastSync?: NetpolSyncRecord;
  /** The sync under way, which stop() lets finish before deleting the table it may be writing. */
  private inflight?: Promise<void>;

  constructor(private readonly o: NetworkPolicyOptions) {
    this.table = o.table ?? DEFAULT_NETPOL_TABLE;
    this.log = o.log ?? (() => undefined);
    this.runner = new SyncRunner(() => (this.inflight = this.syncOnce()), { ...NETPOL_SYNC_RUNNER, ...o.runner }, (err) => this.log(`network policy sync failed (full sync next): ${(err as Error).message}`));
  }

  private changed(): void {
    this.generations.bump();
    if (this.ready) this.runner.request();
  }

  setPod(pod: Pod): void {
    const key = keyOf(pod);
    const info = podInfo(pod);
    const old = this.pods.get(key);
    if (!info) {
      if (old) this.deletePod(pod);
      return;
    }
    if (old && old.ip === info.ip && old.nodeName === info.nodeName && JSON.stringify([old.labels, old.ports]) === JSON.stringify([info.labels, info.ports])) return;
    this.pods.set(key, info);
    this.changed();
  }

  deletePod(pod: Pod): void {
    if (this.pods.delete(keyOf(pod))) this.changed();
  }

  setNamespace(ns: Namespace): void {
    this.namespaces.set(ns.metadata.name!, namespaceLabels(ns));
    this.changed();
  }

  deleteNamespace(ns: Namespace): void {
    if (this.namespaces.delete(ns.metadata.name!)) this.changed();
  }

  setPolicy(np: NetworkPolicy): void {
    this.policies.set(keyOf(np), np);
    this.changed();
  }

  deletePolicy(np: NetworkPolicy): void {
    const key = keyOf(np);
    this.reported.delete(key);
    if (this.policies.delete(key)) this.changed();
  }

  state(): PolicyState {
    return { pods: this.pods, namespaces: this.namespaces, policies: this.policies };
  }

  /** The informers have the whole picture: the first (full) sync may run. */
  async start(): Promise<void> {
    await ensureBridgeNetfilter(this.log);
    this.ready = true;
    this.runner.request(0);
  }

  /** Resolves once a sync that saw every change made before this call has been written. */
  flushed(): Promise<void> {
    return this.generations.flushed();
  }

  private compile(key: string): CompiledPolicy | undefined {
    const np = this.policies.get(key);
    if (!np) return undefined;
    if (!this.compiled.has(np)) {
      const c = compilePolicy(np);
      this.compiled.set(np, c);
      const rv = np.metadata.resourceVersion;
      const problems = c ? c.errors : ['spec.podSelector cannot be read: the policy is ignored'];
      if (problems.length && this.reported.get(key) !== rv) {
        this.reported.set(key, rv);
        this.log(`network policy ${key}: ${problems.join('; ')} (that part allows nothing; other policies are enforced)`);
      }
    }
    return this.compiled.get(np);
  }

  private async syncOnce(): Promise<void> {
    const started = performance.now();
    const generation = this.generations.current();
    const next = desiredRuleset(this.state(), this.o.nodeName, (key) => this.compile(key));
    const full = !this.written || Date.now() - this.lastFull > FULL_SYNC_PERIOD_MS;
    const script = full ? fullScript(this.table, next) : diffScript(this.table, this.written!, next);
    if (script) {
      try {
        await runWithInput(this.o.nft ?? 'nft', ['-f', '-'], script);
      } catch (err) {
        this.written = undefined;
        throw err;
      }
    }
    this.lastSync = { full, bytes: script.length, ms: performance.now() - started };
    if (full) this.lastFull = Date.now();
    this.written = next;
    this.generations.done(generation);
  }

  /** Rewrites the whole table now, as after a failure (the benchmark's reference). */
  async fullSync(): Promise<void> {
    this.written = undefined;
    await this.syncOnce();
  }

  /** Stop syncing; with `cleanup`, delete the table (policies are no longer enforced). */
  async stop(opts: { cleanup?: boolean } = {}): Promise<void> {
    this.runner.stop();
    await this.inflight?.catch(() => undefined);
    if (opts.cleanup) await cleanupNetworkPolicy(this.table, this.o.nft);
  }
}

/**
 * Pods of one node talk across its bridge without being routed; netfilter sees those packets only
 * with br_netfilter's bridge-nf-call-iptables on (flannel and kube-router need the same), so it
 * is turned on when off.
 */
async function ensureBridgeNetfilter(log: (line: string) => void): Promise<void> {
  const knob = '/proc/sys/net/bridge/bridge-nf-call-iptables';
  const value = await readFile(knob, 'utf8').catch(() => undefined);
  if (value?.trim() === '1') return;
  try {
    if (value === undefined) await run('modprobe', ['br_netfilter']);
    await writeFile(knob, '1\n');
    log('network policy: turned on net.bridge.bridge-nf-call-iptables, so traffic between pods of this node is filtered');
  } catch (err) {
    log(`network policy: could not turn on net.bridge.bridge-nf-call-iptables (${(err as Error).message}); traffic between pods on this node's bridge is not filtered`);
  }
}

/** Delete the table if it is there. */
export async function cleanupNetworkPolicy(table: string = DEFAULT_NETPOL_TABLE, nft = 'nft'): Promise<void> {
  await runWithInput(nft, ['-f', '-'], `add table ip ${table}\ndelete table ip ${table}\n`);
}

export interface RunningNetworkPolicy {
  enforcer: NetworkPolicyEnforcer;
  stop(opts?: { cleanup?: boolean }): Promise<void>;
}

/** An enforcer with its own API connection, running until stopped (first sync once the informers have synced). */
export async function startNetworkPolicy(config: ClientConfig, opts: NetworkPolicyOptions): Promise<RunningNetworkPolicy> {
  const client = new RestClient(config, 'k8ts-network-policy');
  const e = new NetworkPolicyEnforcer(opts);
  const policies = new Informer<NetworkPolicy>(client, R.networkpolicies);
  policies.addHandlers({ add: (p) => e.setPolicy(p), update: (_o, p) => e.setPolicy(p), delete: (p) => e.deletePolicy(p) });
  const pods = new Informer<Pod>(client, R.pods);
  pods.addHandlers({ add: (p) => e.setPod(p), update: (_o, p) => e.setPod(p), delete: (p) => e.deletePod(p) });
  const namespaces = new Informer<Namespace>(client, R.namespaces);
  namespaces.addHandlers({ add: (n) => e.setNamespace(n), update: (_o, n) => e.setNamespace(n), delete: (n) => e.deleteNamespace(n) });
  const informers = [policies, pods, namespaces];
  for (const i of informers) i.start();
  try {
    await Promise.all(informers.map((i) => i.waitForSync()));
    await e.start();
  } catch (err) {
    for (const i of informers) i.stop();
    client.close();
    throw err;
  }
  return {
    enforcer: e,
    async stop(stopOpts = {}) {
      for (const i of informers) i.stop();
      await e.stop(stopOpts);
      client.close();
    },
  };
}
