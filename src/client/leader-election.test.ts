import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runLeaderElection } from './leader-election.js';
import { ApiStatusError, type RestClient } from './rest.js';

test('a lease won after stop() starts nothing (the process could never exit)', async () => {
  let release!: () => void;
  const answered = new Promise<void>((r) => (release = r));
  // No lease yet; the create is answered only after the election was stopped.
  const client = {
    get: async () => {
      throw new ApiStatusError({ apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', code: 404, message: 'not found' } as never);
    },
    create: async () => {
      await answered;
      return {};
    },
    update: async () => ({}),
  } as unknown as RestClient;
  let started = 0;
  const election = runLeaderElection(client, { namespace: 'kube-system', name: 'x', identity: 'me', retryPeriodMs: 10 }, { onStartedLeading: () => started++, onStoppedLeading: () => undefined });
  await new Promise((r) => setTimeout(r, 20));
  await election.stop();
  release();
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(started, 0);
  assert.equal(election.isLeader(), false);
});
