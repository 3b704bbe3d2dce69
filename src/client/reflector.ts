// List then watch a collection, forever: relists when the watch ends in an error or 410, and
// resumes from the last seen resourceVersion otherwise. Hands every object to `onObject`.
import type { KubeList, KubeObject } from '../api/meta/types.js';
import { ApiStatusError, type ApiClient, type WatchHandle } from './rest.js';

export interface ReflectorHandlers {
  /** A (re)list begins: the SYNC objects that follow are the complete current state. */
  onListStart?(): void;
  onObject(type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'SYNC', obj: KubeObject): void;
  /** The (re)list delivered everything. */
  onListEnd?(): void;
  onError?(err: unknown): void;
}

export class Reflector {
  private stopped = false;
  private current?: WatchHandle;

  constructor(
    private readonly client: ApiClient,
    private readonly path: string,
    private readonly handlers: ReflectorHandlers,
  ) {}

  async run(): Promise<void> {
    let rv: string | undefined;
    while (!this.stopped) {
      try {
        if (rv === undefined) {
          const list = await this.listAll();
          this.handlers.onListStart?.();
          for (const item of list.items) this.handlers.onObject('SYNC', item);
          this.handlers.onListEnd?.();
          rv = list.metadata.resourceVersion;
        }
        let expired = false;
        const sep = this.path.includes('?') ? '&' : '?';
        this.current = this.client.watch(`${this.path}${sep}watch=1&allowWatchBookmarks=true&resourceVersion=${rv}&timeoutSeconds=${300 + Math.floor(Math.random() * 300)}`, (ev) => {
          if (ev.type === 'ERROR') {
            expired = true;
            return;
          }
          rv = ev.object.metadata?.resourceVersion ?? rv;
          if (ev.type !== 'BOOKMARK') this.handlers.onObject(ev.type, ev.object);
        });
        await this.current.done;
        if (expired) rv = undefined;
      } catch (err) {
        if (this.stopped) return;
        this.handlers.onError?.(err);
        if (err instanceof ApiStatusError && err.code === 410) rv = undefined;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  /** The whole collection, in pages so no single response grows without bound. */
  private async listAll(): Promise<KubeList> {
    const sep = this.path.includes('?') ? '&' : '?';
    const first = await this.client.get<KubeList>(`${this.path}${sep}limit=500`);
    const items = [...first.items];
    let next = first.metadata.continue;
    while (next) {
      const page = await this.client.get<KubeList>(`${this.path}${sep}limit=500&continue=${encodeURIComponent(next)}`);
      items.push(...page.items);
      next = page.metadata.continue;
    }
    return { ...first, items };
  }

  stop(): void {
    this.stopped = true;
    this.current?.stop();
  }
}
