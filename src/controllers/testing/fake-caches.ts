// White-box controller tests: a controller built over informers that list from a FakeClient,
// started only as far as its caches (no workers run), so a test calls sync(key) itself.
import { SharedInformerFactory } from '../../client/informer.js';
import type { FakeClient } from '../../client/testing/fake-client.js';

export class FakeCaches {
  private readonly stops: (() => void)[] = [];

  /** Builds the controller, fills its caches from `fake` and waits until they have synced. */
  async start<C extends { stop(): void }>(fake: FakeClient, build: (client: FakeClient, informers: SharedInformerFactory) => C): Promise<C> {
    const informers = new SharedInformerFactory(fake);
    const controller = build(fake, informers);
    this.stops.push(() => {
      controller.stop();
      informers.stop();
    });
    informers.start();
    await informers.waitForSync();
    return controller;
  }

  /** Stops every controller and informer started (their timers included). */
  stop(): void {
    for (const stop of this.stops.splice(0)) stop();
  }
}
