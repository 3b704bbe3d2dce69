// The embedded etcd's membership as a user manages it: `k8ts etcd member list` and `member
// remove NAME` on any server that stays. A server taken out of the cluster must lose its member,
// or its absence counts against the quorum for ever (three members with one gone tolerate no
// further failure; two members left of three tolerate none, but two of two keep serving).
import type { EtcdClient } from '../../storage/etcd/client.js';
import type { Member } from '../../storage/etcd/proto.js';

/** etcdctl shows member IDs in hex. */
export const hexId = (id: string): string => BigInt(id).toString(16);

const hostOf = (u: string): string => {
  try {
    return new URL(u).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return '';
  }
};

/**
 * The member a user names: its name, its ID (hex as etcdctl prints it, or decimal), or the
 * address of its server (a peer or client URL, or just the host).
 */
export function findMember(members: readonly Member[], selector: string): Member {
  const s = selector.trim();
  const host = /^https?:\/\//.test(s) ? hostOf(s) : s;
  const hits = members.filter((m) => m.name === s || hexId(m.ID) === s.toLowerCase() || m.ID === s || [...m.peerURLs, ...m.clientURLs].some((u) => u === s || hostOf(u) === host));
  const known = members.map((m) => m.name || `${hexId(m.ID)} (unstarted)`).join(', ');
  if (hits.length === 0) throw new Error(`no etcd member "${selector}"; the members are ${known}`);
  if (hits.length > 1) throw new Error(`"${selector}" names ${hits.length} members (${hits.map((m) => m.name || hexId(m.ID)).join(', ')}): give the name or ID of one`);
  return hits[0]!;
}

export interface RemoveResult {
  removed: Member;
  left: Member[];
}

/** Removes the named member, refusing this server's own (it would cut this server off its datastore). */
export async function removeMember(client: EtcdClient, selector: string, localName: string): Promise<RemoveResult> {
  const { members } = await client.memberList();
  const m = findMember(members, selector);
  if (m.name === localName) throw new Error(`"${selector}" is this server's own etcd member (${m.name}): remove it from another server of the cluster`);
  if (members.length === 1) throw new Error(`${m.name} is the only etcd member`);
  const { members: left } = await client.memberRemove(m.ID);
  return { removed: m, left };
}

/** `member list` as a table: etcdctl's columns, and which member is this server's. */
export function memberTable(members: readonly Member[], localName: string): string[][] {
  const rows = members.map((m) => [hexId(m.ID), m.name ? 'started' : 'unstarted', m.name || '-', m.peerURLs.join(','), m.clientURLs.join(',') || '-', m.isLearner ? 'true' : 'false', m.name === localName ? '*' : '']);
  return [['ID', 'STATUS', 'NAME', 'PEER ADDRS', 'CLIENT ADDRS', 'IS LEARNER', 'THIS SERVER'], ...rows];
}
