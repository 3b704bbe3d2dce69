// Leader election on a coordination.k8s.io Lease, with client-go's timing model: a candidate
// takes the lease when it is free or its holder has not renewed within leaseDuration; the
// leader renews every retryPeriod and steps down if it cannot renew within renewDeadline.
import type { KubeObject } from '../api/meta/types.js';
import { resourcePath, R } from './resources.js';
import { ApiStatusError, type RestClient } from './rest.js';
import { rfc3339Micro } from '../util/time.js';

export interface LeaderElectionConfig {
  namespace: string;
  name: string;
  identity: string;
  leaseDurationSeconds?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  clock?: () => number;
}

export interface LeaderCallbacks {
  onStartedLeading(): void;
  onStoppedLeading(): void;
}

export interface LeaderElection {
  isLeader(): boolean;
  /** Stop competing; a leader releases the lease so another can take over at once. */
  stop(): Promise<void>;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

export function runLeaderElection(client: RestClient, cfg: LeaderElectionConfig, cb: LeaderCallbacks): LeaderElection {
  const clock = cfg.clock ?? Date.now;
  const duration = cfg.leaseDurationSeconds ?? 15;
  const renewDeadline = cfg.renewDeadlineMs ?? 10_000;
  const retry = cfg.retryPeriodMs ?? 2_000;
  const path = resourcePath(R.leases, cfg.namespace, cfg.name);
  let leading = false;
  let stopped = false;
  let lastRenew = 0;
  let timer: NodeJS.Timeout | undefined;

  const tryAcquireOrRenew = async (): Promise<boolean> => {
    const now = clock();
    let lease: (KubeObject & { spec?: LeaseSpec }) | undefined;
    try {
      lease = await client.get(path);
    } catch (err) {
      if (!(err instanceof ApiStatusError && err.code === 404)) throw err;
    }
    if (!lease) {
      await client.create(resourcePath(R.leases, cfg.namespace), {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: cfg.name, namespace: cfg.namespace },
        spec: { holderIdentity: cfg.identity, leaseDurationSeconds: duration, acquireTime: rfc3339Micro(now), renewTime: rfc3339Micro(now), leaseTransitions: 0 },
      });
      return true;
    }
    const spec = lease.spec ?? {};
    const held = spec.holderIdentity && spec.holderIdentity !== cfg.identity;
    const renewedAt = spec.renewTime ? Date.parse(spec.renewTime) : 0;
    if (held && renewedAt + (spec.leaseDurationSeconds ?? duration) * 1000 > now) return false;
    const mine = spec.holderIdentity === cfg.identity;
    const next: LeaseSpec = {
      ...spec,
      holderIdentity: cfg.identity,
      leaseDurationSeconds: duration,
      renewTime: rfc3339Micro(now),
      acquireTime: mine && spec.acquireTime ? spec.acquireTime : rfc3339Micro(now),
      leaseTransitions: mine ? (spec.leaseTransitions ?? 0) : (spec.leaseTransitions ?? 0) + 1,
    };
    // The resourceVersion makes this a compare-and-swap: two candidates cannot both win.
    await client.update(path, { ...lease, spec: next });
    return true;
  };

  const tick = async () => {
    if (stopped) return;
    let ok = false;
    try {
      ok = await tryAcquireOrRenew();
    } catch {
      ok = false;
    }
    // Stopped while asking: a lease won now must not start what the caller has already stopped.
    if (stopped) return;
    const now = clock();
    if (ok) {
      lastRenew = now;
      if (!leading) {
        leading = true;
        cb.onStartedLeading();
      }
    } else if (leading && now - lastRenew > renewDeadline) {
      leading = false;
      cb.onStoppedLeading();
    }
    if (!stopped) timer = setTimeout(() => void tick(), retry);
  };
  void tick();

  return {
    isLeader: () => leading,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (!leading) return;
      leading = false;
      cb.onStoppedLeading();
      try {
        const lease = await client.get<KubeObject & { spec?: LeaseSpec }>(path);
        if (lease.spec?.holderIdentity === cfg.identity) {
          await client.update(path, { ...lease, spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: rfc3339Micro(clock()) } });
        }
      } catch {
        // Releasing is a courtesy; the lease expires on its own.
      }
    },
  };
}

export interface Running {
  stop(): void | Promise<void>;
}

/**
 * Runs `start` only while holding the lease, as kube-scheduler and kube-controller-manager run
 * with --leader-elect: started on winning it, stopped on losing it (and started again on winning
 * it back). The client is the election's own, closed by stop().
 */
export function runWhileLeading(client: RestClient, cfg: LeaderElectionConfig, what: string, start: () => Running, log: (line: string) => void): { stop(): Promise<void> } {
  let running: Running | undefined;
  let leading = false;
  let stopped = false;
  /** The stop of what ran under the lease before: what runs next waits for it, so two never overlap. */
  let stopping: Promise<void> = Promise.resolve();
  let starting: Promise<void> = Promise.resolve();
  const election = runLeaderElection(client, cfg, {
    onStartedLeading: () => {
      leading = true;
      log(`leader election: ${cfg.identity} holds ${cfg.namespace}/${cfg.name}; starting ${what}`);
      starting = stopping.then(() => {
        if (!leading || stopped) return;
        try {
          running = start();
        } catch (err) {
          // Leading without running is still leading: say so rather than end the process.
          log(`leader election: ${what} did not start: ${(err as Error).message}`);
        }
      });
    },
    onStoppedLeading: () => {
      leading = false;
      log(`leader election: ${cfg.identity} lost ${cfg.namespace}/${cfg.name}; stopping ${what}`);
      stopping = starting.then(() => {
        const r = running;
        running = undefined;
        return Promise.resolve(r?.stop()).catch(() => undefined);
      });
    },
  });
  return {
    async stop() {
      stopped = true;
      await election.stop();
      await starting;
      await stopping;
      await running?.stop();
      client.close();
    },
  };
}
