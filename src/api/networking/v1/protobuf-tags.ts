// Protocol-buffer field numbers of the networking/v1 messages, from upstream's
// k8s.io/api/networking/v1/generated.proto (checked against the descriptors compiled into kubectl 1.32).
// Only request decoding uses them: see src/api/schema/protobuf-tags.ts for what each table means.
import { defineProtoTags } from '../../schema/protobuf-tags.js';

const P = 'io.k8s.api.networking.v1';

defineProtoTags(`${P}.ServiceBackendPort`, { name: 1, number: 2 }, { omitEmpty: ['name', 'number'] });
defineProtoTags(`${P}.IngressServiceBackend`, { name: 1, port: 2 });
defineProtoTags(`${P}.IngressBackend`, { resource: 3, service: 4 });
defineProtoTags(`${P}.HTTPIngressPath`, { path: 1, backend: 2, pathType: 3 }, { omitEmpty: ['path'] });
defineProtoTags(`${P}.HTTPIngressRuleValue`, { paths: 1 });
defineProtoTags(`${P}.IngressRule`, { host: 1 }, { inline: { 2: 'io.k8s.api.networking.v1.IngressRuleValue' }, omitEmpty: ['host'] });
defineProtoTags(`${P}.IngressRuleValue`, { http: 1 });
defineProtoTags(`${P}.IngressTLS`, { hosts: 1, secretName: 2 }, { omitEmpty: ['secretName'] });
defineProtoTags(`${P}.IngressSpec`, { defaultBackend: 1, tls: 2, rules: 3, ingressClassName: 4 });
defineProtoTags(`${P}.IngressPortStatus`, { port: 1, protocol: 2, error: 3 });
defineProtoTags(`${P}.IngressLoadBalancerIngress`, { ip: 1, hostname: 2, ports: 4 }, { omitEmpty: ['ip', 'hostname'] });
defineProtoTags(`${P}.IngressLoadBalancerStatus`, { ingress: 1 });
defineProtoTags(`${P}.IngressStatus`, { loadBalancer: 1 });
defineProtoTags(`${P}.Ingress`, { metadata: 1, spec: 2, status: 3 });
defineProtoTags(`${P}.IngressList`, { metadata: 1, items: 2 });
defineProtoTags(`${P}.IngressClassParametersReference`, { apiGroup: 1, kind: 2, name: 3, scope: 4, namespace: 5 });
defineProtoTags(`${P}.IngressClassSpec`, { controller: 1, parameters: 2 }, { omitEmpty: ['controller'] });
defineProtoTags(`${P}.IngressClass`, { metadata: 1, spec: 2 });
defineProtoTags(`${P}.IngressClassList`, { metadata: 1, items: 2 });
defineProtoTags(`${P}.IPBlock`, { cidr: 1, except: 2 });
defineProtoTags(`${P}.NetworkPolicyPeer`, { podSelector: 1, namespaceSelector: 2, ipBlock: 3 });
defineProtoTags(`${P}.NetworkPolicyPort`, { protocol: 1, port: 2, endPort: 3 });
defineProtoTags(`${P}.NetworkPolicyIngressRule`, { ports: 1, from: 2 });
defineProtoTags(`${P}.NetworkPolicyEgressRule`, { ports: 1, to: 2 });
defineProtoTags(`${P}.NetworkPolicySpec`, { podSelector: 1, ingress: 2, egress: 3, policyTypes: 4 });
defineProtoTags(`${P}.NetworkPolicy`, { metadata: 1, spec: 2 });
defineProtoTags(`${P}.NetworkPolicyList`, { metadata: 1, items: 2 });
