// Protocol-buffer field numbers of the apiregistration/v1 messages, from upstream's
// k8s.io/kube-aggregator/pkg/apis/apiregistration/v1/generated.proto (6 was the removed `priority`).
import { defineProtoTags } from '../../schema/protobuf-tags.js';

const P = 'io.k8s.kube-aggregator.pkg.apis.apiregistration.v1';

defineProtoTags(`${P}.ServiceReference`, { namespace: 1, name: 2, port: 3 });
defineProtoTags(`${P}.APIServiceSpec`, { service: 1, group: 2, version: 3, insecureSkipTLSVerify: 4, caBundle: 5, groupPriorityMinimum: 7, versionPriority: 8 });
defineProtoTags(`${P}.APIServiceCondition`, { type: 1, status: 2, lastTransitionTime: 3, reason: 4, message: 5 });
defineProtoTags(`${P}.APIServiceStatus`, { conditions: 1 });
defineProtoTags(`${P}.APIService`, { metadata: 1, spec: 2, status: 3 });
defineProtoTags(`${P}.APIServiceList`, { metadata: 1, items: 2 });
