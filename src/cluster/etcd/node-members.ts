// k3s's rule for servers that run a node: `kubectl delete node` of a server removes its etcd
// member. The server marks its own Node with the name of its member and a finalizer; every server
// on embedded etcd watches Nodes, and one being deleted with the finalizer has its member
// removed and the finalizer dropped, so the Node goes only once the member has. Servers without
// a Node (--disable-agent) are removed with `k8ts etcd member remove`.
//
// Every server runs the controller: removing a member already gone is a no-op, and a server
// never removes its own member (it would cut itself off): another server does.
import type { KubeObject } from '../../api/meta/types.js';
import { isConflict, isNotFound } from '../../client/errors.js';
import { Informer } from '../../client/informer.js';
import { R } from '../../client/resources.js';
import type { ApiClient } from '../../client/rest.js';
import { WorkQueue } from '../../client/workqueue.js';
import type { EtcdClient } from '../../storage/etcd/client.js';

export const MEMBER_ANNOTATION = 'etcd.k8ts.io/member-name';
export const MEMBER_FINALIZER = 'etcd.k8ts.io/member';

const nodePath = (name: string) => `/api/v1/nodes/${encodeURIComponent(name)}`;

/** Marks this server's Node (once it is registered) with its member; retried until it holds. */
export async function markNodeMember(client: ApiClient, nodeName: string, member: string, log: (line: string) => void, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const node = await client.get<KubeObject>(nodePath(nodeName));
      const meta = node.metadata;
      if (meta.annotations?.[MEMBER_ANNOTATION] === member && meta.finalizers?.includes(MEMBER_FINALIZER)) return;
      meta.annotations = { ...meta.annotations, [MEMBER_ANNOTATION]: member };
      meta.finalizers = [...(meta.finalizers ?? []).filter((f) => f !== MEMBER_FINALIZER), MEMBER_FINALIZER];
      await client.update(nodePath(nodeName), node);
      log(`etcd: node ${nodeName} marked with its etcd member ${member} (deleting the node removes the member)`);
      return;
    } catch (err) {
      // Not registered yet, or written meanwhile: again shortly.
      if (!isNotFound(err) && !isConflict(err)) log(`etcd: marking node ${nodeName} with its member: ${(err as Error).message}`);
      if (Date.now() > deadline) throw new Error(`node ${nodeName} was not marked with its etcd member ${member}: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

export function startNodeMemberController(client: ApiClient, etcd: EtcdClient, ownMember: string, log: (line: string) => void): { stop(): void } {
  const nodes = new Informer<KubeObject>(client, R.nodes);
  const queue = new WorkQueue();
  const enqueue = (n: KubeObject) => {
    if (n.metadata.deletionTimestamp && n.metadata.finalizers?.includes(MEMBER_FINALIZER)) queue.add(n.metadata.name!);
  };
  nodes.addHandlers({ add: enqueue, update: (_, n) => enqueue(n) });

  const sync = async (name: string) => {
    const node = nodes.get(name);
    if (!node?.metadata.deletionTimestamp || !node.metadata.finalizers?.includes(MEMBER_FINALIZER)) return;
    const wanted = node.metadata.annotations?.[MEMBER_ANNOTATION];
    const { members } = await etcd.memberList();
    const m = members.find((x) => x.name === wanted);
    if (m && m.name === ownMember) {
      // The only member stays (removing it would end the cluster); else another server removes it.
      if (members.length > 1) return;
      log(`etcd: node ${name} deleted; its member ${m.name} is the only one and stays`);
    } else if (m) {
      await etcd.memberRemove(m.ID);
      log(`etcd: node ${name} deleted: its etcd member ${m.name} (${m.peerURLs.join(',')}) removed; ${members.length - 1} members left`);
    }
    node.metadata.finalizers = node.metadata.finalizers.filter((f) => f !== MEMBER_FINALIZER);
    try {
      await client.update(nodePath(name), node);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  };

  let stopped = false;
  void (async () => {
    for (;;) {
      const key = await queue.get();
      if (key === undefined || stopped) return;
      try {
        await sync(key);
        queue.forget(key);
      } catch (err) {
        // A member another server removed first, a conflict: the next try sees the new state.
        if (!/member not found/i.test((err as Error).message)) log(`etcd: node ${key}: ${(err as Error).message}`);
        queue.addRateLimited(key);
      } finally {
        queue.done(key);
      }
    }
  })();
  nodes.start();
  return {
    stop() {
      stopped = true;
      queue.shutdown();
      nodes.stop();
    },
  };
}
