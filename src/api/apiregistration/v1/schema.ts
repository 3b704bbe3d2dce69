// Schema of apiregistration.k8s.io/v1 APIService and APIServiceList.
import { arr, bool, define, int32, obj, ref, str, time } from '../../schema/dsl.js';
import { apiVersionField, kindField, listMeta, objectMeta } from '../../schema/meta.js';

const AR = 'io.k8s.kube-aggregator.pkg.apis.apiregistration.v1';

define(
  `${AR}.ServiceReference`,
  obj(
    {
      name: str('Name of the service.'),
      namespace: str('Namespace of the service.'),
      port: int32('Port on the service that hosts the extension API server; defaults to 443.'),
    },
    { description: 'ServiceReference holds a reference to Service.legacy.k8s.io' },
  ),
);

define(
  `${AR}.APIServiceSpec`,
  obj(
    {
      caBundle: str('PEM encoded CA bundle which will be used to validate an API server\'s serving certificate.', { format: 'byte' }),
      group: str('Group is the API group name this server hosts.'),
      groupPriorityMinimum: int32('The priority this group should have at least; higher priority groups are preferred by clients.'),
      insecureSkipTLSVerify: bool('Disables TLS certificate verification when communicating with this server. Strongly discouraged.'),
      service: ref(`${AR}.ServiceReference`, 'A reference to the service for this API server; nil means the API server itself handles the group version locally.'),
      version: str('Version is the API version this server hosts, e.g. "v1".'),
      versionPriority: int32('Controls the ordering of this API version inside of its group.'),
    },
    { required: ['groupPriorityMinimum', 'versionPriority'], description: 'APIServiceSpec contains information for locating and communicating with a server.' },
  ),
);

define(
  `${AR}.APIServiceCondition`,
  obj(
    {
      lastTransitionTime: time('Last time the condition transitioned from one status to another.'),
      message: str('Human-readable message indicating details about last transition.'),
      reason: str("Unique, one-word, CamelCase reason for the condition's last transition."),
      status: str('Status is the status of the condition. Can be True, False, Unknown.'),
      type: str('Type is the type of the condition.'),
    },
    { required: ['type', 'status'], description: 'APIServiceCondition describes the state of an APIService at a particular point' },
  ),
);

define(
  `${AR}.APIServiceStatus`,
  obj(
    { conditions: arr(ref(`${AR}.APIServiceCondition`), { description: 'Current service state of apiService.', patchMergeKey: 'type', patchStrategy: 'merge', listType: 'map', listMapKeys: ['type'] }) },
    { description: 'APIServiceStatus contains derived information about an API server' },
  ),
);

define(
  `${AR}.APIService`,
  obj(
    {
      apiVersion: apiVersionField(),
      kind: kindField(),
      metadata: objectMeta(),
      spec: ref(`${AR}.APIServiceSpec`, 'Spec contains information for locating and communicating with a server'),
      status: ref(`${AR}.APIServiceStatus`, 'Status contains derived information about an API server'),
    },
    { description: 'APIService represents a server for a particular GroupVersion. Name must be "version.group".' },
  ),
);

define(
  `${AR}.APIServiceList`,
  obj(
    {
      apiVersion: apiVersionField(),
      items: arr(ref(`${AR}.APIService`), { description: 'Items is the list of APIService' }),
      kind: kindField(),
      metadata: listMeta(),
    },
    { required: ['items'], description: 'APIServiceList is a list of APIService objects.' },
  ),
);
