// The authenticated user of the request being served, for what runs deep inside a write and
// must know who asks (the RBAC escalation check), as upstream's request context carries it.
// Writes the server makes for itself (bootstrap) run outside any request and have none.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { UserInfo } from '../auth/token.js';

const current = new AsyncLocalStorage<UserInfo>();

export function runAsUser<T>(user: UserInfo, fn: () => T): T {
  return current.run(user, fn);
}

export function requestUser(): UserInfo | undefined {
  return current.getStore();
}
