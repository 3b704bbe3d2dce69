// OpenAPI-shaped definitions of policy/v1: PodDisruptionBudget (and list) and Eviction.
import '../../schema/meta.js';
import { arr, define, int32, int64, intOrString, keyedList, mapOf, obj, ref, str, time } from '../../schema/dsl.js';
import { apiVersionField, kindField, labelSelector, listMeta, objectMeta } from '../../schema/meta.js';

const POLICY = 'io.k8s.api.policy.v1';

define(
  `${POLICY}.PodDisruptionBudgetSpec`,
  obj(
    {
      minAvailable: intOrString('Pods (a count or a percentage) that must stay available after an eviction; excludes maxUnavailable.'),
      selector: labelSelector('Label query over the pods the budget protects; an empty selector selects every pod in the namespace.'),
      maxUnavailable: intOrString('Pods (a count or a percentage) that may be unavailable after an eviction; excludes minAvailable.'),
      unhealthyPodEvictionPolicy: str('When running but not ready pods may be evicted: IfHealthyBudget (the default) or AlwaysAllow.'),
    },
    { description: 'The desired bounds on voluntary disruption of a set of pods.' },
  ),
);
define(
  `${POLICY}.PodDisruptionBudgetStatus`,
  obj(
    {
      observedGeneration: int64('The generation the disruption controller last acted on.'),
      disruptedPods: mapOf(time(), 'Pods whose eviction was approved but whose deletion the controller has not yet seen, with the time of approval.'),
      disruptionsAllowed: int32('How many pod disruptions are currently allowed.'),
      currentHealthy: int32('Healthy pods right now.'),
      desiredHealthy: int32('The fewest healthy pods the budget wants.'),
      expectedPods: int32('Pods counted by the budget.'),
      conditions: keyedList(ref('io.k8s.apimachinery.pkg.apis.meta.v1.Condition'), 'type', 'The latest observations of the budget\'s state, such as DisruptionAllowed.'),
    },
    { required: ['disruptionsAllowed', 'currentHealthy', 'desiredHealthy', 'expectedPods'], description: 'The observed state of a PodDisruptionBudget.' },
  ),
);
define(
  `${POLICY}.PodDisruptionBudget`,
  obj(
    {
      apiVersion: apiVersionField(),
      kind: kindField(),
      metadata: objectMeta(),
      spec: ref(`${POLICY}.PodDisruptionBudgetSpec`, 'The desired bounds on disruption.'),
      status: ref(`${POLICY}.PodDisruptionBudgetStatus`, 'The most recently observed status of the budget.'),
    },
    { description: 'Limits how many pods of a collection voluntary disruptions may take down at once.' },
  ),
);
define(
  `${POLICY}.PodDisruptionBudgetList`,
  obj(
    { apiVersion: apiVersionField(), kind: kindField(), metadata: listMeta(), items: arr(ref(`${POLICY}.PodDisruptionBudget`), { description: 'The budgets in the list.' }) },
    { required: ['items'], description: 'A list of PodDisruptionBudget objects.' },
  ),
);
define(
  `${POLICY}.Eviction`,
  obj(
    {
      apiVersion: apiVersionField(),
      kind: kindField(),
      metadata: objectMeta('Names the pod to evict.'),
      deleteOptions: ref('io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions', 'Options for the deletion the eviction performs.'),
    },
    { description: 'A request to delete a pod, subject to its disruption budgets; posted to pods/eviction.' },
  ),
);
