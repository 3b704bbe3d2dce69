// The clusterrole-aggregation controller: keeps the rules of every ClusterRole with an
// aggregationRule equal to the union of the roles it selects (admin, edit and view gather the
// aggregate-to-* roles this way). Any ClusterRole change may concern every aggregated role,
// so each change queues them all; keys are role names.
import type { ClusterRole } from '../../api/rbac/v1/types.js';
import type { Informer, SharedInformerFactory } from '../../client/informer.js';
import { gvr, resourcePath } from '../../client/resources.js';
import type { ApiClient } from '../../client/rest.js';
import { isNotFound } from '../../client/errors.js';
import { QueueController, type ControllerOptions } from '../common/controller.js';
import { canonicalJson } from '../common/canonical-json.js';
import { aggregatedRules } from './aggregate.js';

const CLUSTER_ROLES = gvr('rbac.authorization.k8s.io', 'v1', 'clusterroles');

export class ClusterRoleAggregationController extends QueueController {
  private readonly roles: Informer<ClusterRole>;

  constructor(
    private readonly client: ApiClient,
    factory: SharedInformerFactory,
    opts: ControllerOptions = {},
  ) {
    super('clusterrole-aggregation', opts, 1, { baseDelayMs: 50, maxDelayMs: 30_000 });
    this.roles = this.cache(factory.informerFor<ClusterRole>(CLUSTER_ROLES));
    const requeue = () => {
      for (const r of this.roles.list()) if (r.aggregationRule) this.queue.add(r.metadata.name!);
    };
    this.roles.addHandlers({ add: requeue, update: requeue, delete: requeue });
  }

  async sync(name: string): Promise<void> {
    const role = this.roles.get(name);
    if (!role?.aggregationRule) return;
    const rules = aggregatedRules(role, this.roles.list());
    if (canonicalJson(rules) === canonicalJson(role.rules ?? [])) return;
    try {
      await this.client.update(resourcePath(CLUSTER_ROLES, undefined, name), { ...role, rules });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
