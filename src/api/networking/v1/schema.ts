// Schema of networking.k8s.io/v1: Ingress, IngressClass, NetworkPolicy and their lists.
import { arr, define, enumOf, int32, intOrString, obj, ref, str } from '../../schema/dsl.js';
import { apiVersionField, kindField, labelSelector, listMeta, objectMeta } from '../../schema/meta.js';

const NET = 'io.k8s.api.networking.v1';
const CORE = 'io.k8s.api.core.v1';

const atomic = { listType: 'atomic' } as const;

/** A `<Kind>List` definition: the shape every list response of a kind has. */
function defineList(kind: string, description: string): void {
  define(
    `${NET}.${kind}List`,
    obj(
      {
        apiVersion: apiVersionField(),
        items: arr(ref(`${NET}.${kind}`), { description: `Items is the list of ${kind} objects.` }),
        kind: kindField(),
        metadata: listMeta(),
      },
      { required: ['items'], description },
    ),
  );
}

// ---- Ingress ------------------------------------------------------------------------------

define(
  `${NET}.ServiceBackendPort`,
  obj(
    {
      name: str('Name of the port on the Service; mutually exclusive with number.'),
      number: int32('Numeric port on the Service; mutually exclusive with name.'),
    },
    { mapType: 'atomic', description: 'ServiceBackendPort is the Service port traffic is sent to.' },
  ),
);

define(
  `${NET}.IngressServiceBackend`,
  obj(
    {
      name: str('Name of the referenced Service, in the same namespace as the Ingress.'),
      port: ref(`${NET}.ServiceBackendPort`, 'Port of the referenced Service.'),
    },
    { required: ['name'], description: 'IngressServiceBackend points at a Service port.' },
  ),
);

define(
  `${NET}.IngressBackend`,
  obj(
    {
      resource: ref(`${CORE}.TypedLocalObjectReference`, 'An object in the Ingress namespace that serves as backend; excludes service.'),
      service: ref(`${NET}.IngressServiceBackend`, 'A Service that serves as backend; excludes resource.'),
    },
    { description: 'IngressBackend says where matching requests go.' },
  ),
);

define(
  `${NET}.HTTPIngressPath`,
  obj(
    {
      backend: ref(`${NET}.IngressBackend`, 'Where requests that match this path are sent.'),
      path: str('Path matched against the request path; must begin with "/" for Exact and Prefix.'),
      pathType: enumOf(['Exact', 'ImplementationSpecific', 'Prefix'], 'How path is interpreted: Exact, Prefix or ImplementationSpecific.'),
    },
    { required: ['pathType', 'backend'], description: 'HTTPIngressPath maps one path to a backend.' },
  ),
);

define(
  `${NET}.HTTPIngressRuleValue`,
  obj(
    { paths: arr(ref(`${NET}.HTTPIngressPath`), { ...atomic, description: 'Paths and the backends their requests go to.' }) },
    { required: ['paths'], description: 'HTTPIngressRuleValue lists the HTTP paths of a rule.' },
  ),
);

define(
  `${NET}.IngressRule`,
  obj(
    {
      host: str('Fully qualified host name the rule applies to, possibly with a leading "*." wildcard label.'),
      http: ref(`${NET}.HTTPIngressRuleValue`, 'HTTP paths served for this host.'),
    },
    { description: 'IngressRule maps the paths of one host to backends.' },
  ),
);

define(
  `${NET}.IngressTLS`,
  obj(
    {
      hosts: arr(str(), { ...atomic, description: 'Host names the TLS certificate covers.' }),
      secretName: str('Secret holding the certificate and key used to terminate TLS.'),
    },
    { description: 'IngressTLS describes how TLS is terminated for a set of hosts.' },
  ),
);

define(
  `${NET}.IngressSpec`,
  obj(
    {
      defaultBackend: ref(`${NET}.IngressBackend`, 'Backend for requests that match no rule.'),
      ingressClassName: str('Name of the IngressClass whose controller implements this Ingress.'),
      rules: arr(ref(`${NET}.IngressRule`), { ...atomic, description: 'Host rules; requests matching none go to defaultBackend.' }),
      tls: arr(ref(`${NET}.IngressTLS`), { ...atomic, description: 'TLS configuration for the hosts of this Ingress.' }),
    },
    { description: 'IngressSpec is the desired routing of an Ingress.' },
  ),
);

define(
  `${NET}.IngressPortStatus`,
  obj(
    {
      error: str('Problem with this port, as a CamelCase reason or a domain-prefixed one.'),
      port: int32('Port number of the ingress port.'),
      protocol: enumOf(['SCTP', 'TCP', 'UDP'], 'Protocol of the ingress port: TCP, UDP or SCTP.'),
    },
    { required: ['port', 'protocol'], description: 'IngressPortStatus reports the state of one load-balancer port.' },
  ),
);

define(
  `${NET}.IngressLoadBalancerIngress`,
  obj(
    {
      hostname: str('DNS name of the load-balancer ingress point.'),
      ip: str('IP address of the load-balancer ingress point.'),
      ports: arr(ref(`${NET}.IngressPortStatus`), { ...atomic, description: 'Ports of this ingress point.' }),
    },
    { description: 'IngressLoadBalancerIngress is one ingress point of a load balancer.' },
  ),
);

define(
  `${NET}.IngressLoadBalancerStatus`,
  obj(
    { ingress: arr(ref(`${NET}.IngressLoadBalancerIngress`), { ...atomic, description: 'Ingress points of the load balancer.' }) },
    { description: 'IngressLoadBalancerStatus describes the load balancer in front of an Ingress.' },
  ),
);

define(
  `${NET}.IngressStatus`,
  obj(
    { loadBalancer: ref(`${NET}.IngressLoadBalancerStatus`, 'The load balancer serving this Ingress.') },
    { description: 'IngressStatus is the observed state of an Ingress.' },
  ),
);

define(
  `${NET}.Ingress`,
  obj(
    {
      apiVersion: apiVersionField(),
      kind: kindField(),
      metadata: objectMeta(),
      spec: ref(`${NET}.IngressSpec`, 'Desired routing of the Ingress.'),
      status: ref(`${NET}.IngressStatus`, 'Observed state of the Ingress.'),
    },
    { description: 'Ingress routes external HTTP(S) traffic to Services inside the cluster.' },
  ),
);
defineList('Ingress', 'IngressList is a list of Ingresses.');

// ---- IngressClass ---------------------------------------------------------------------------

define(
  `${NET}.IngressClassParametersReference`,
  obj(
    {
      apiGroup: str('API group of the referenced object; empty means the core group.'),
      kind: str('Kind of the referenced object.'),
      name: str('Name of the referenced object.'),
      namespace: str('Namespace of the referenced object; required when scope is Namespace.'),
      scope: str('Whether the referenced object is cluster-scoped ("Cluster") or namespaced ("Namespace").'),
    },
    { required: ['kind', 'name'], description: 'IngressClassParametersReference points at controller-specific configuration.' },
  ),
);

define(
  `${NET}.IngressClassSpec`,
  obj(
    {
      controller: str('Domain-prefixed name of the controller implementing this class, e.g. "example.com/ingress-controller".'),
      parameters: ref(`${NET}.IngressClassParametersReference`, 'Extra configuration for the controller.'),
    },
    { description: 'IngressClassSpec describes an IngressClass.' },
  ),
);

define(
  `${NET}.IngressClass`,
  obj(
    {
      apiVersion: apiVersionField(),
      kind: kindField(),
      metadata: objectMeta(),
      spec: ref(`${NET}.IngressClassSpec`, 'Description of the IngressClass.'),
    },
    { description: 'IngressClass names a controller that implements Ingresses; the annotation ingressclass.kubernetes.io/is-default-class marks the default.' },
  ),
);
defineList('IngressClass', 'IngressClassList is a list of IngressClasses.');

// ---- NetworkPolicy --------------------------------------------------------------------------

define(
  `${NET}.IPBlock`,
  obj(
    {
      cidr: str('CIDR of the allowed block, e.g. "192.168.1.0/24" or "2001:db8::/64".'),
      except: arr(str(), { ...atomic, description: 'CIDRs inside cidr that are excluded from the block.' }),
    },
    { required: ['cidr'], description: 'IPBlock is a range of addresses a policy peer may come from or go to.' },
  ),
);

define(
  `${NET}.NetworkPolicyPeer`,
  obj(
    {
      ipBlock: ref(`${NET}.IPBlock`, 'Address range; may not be combined with the selectors.'),
      namespaceSelector: labelSelector('Namespaces whose pods are selected; all namespaces when empty.'),
      podSelector: labelSelector('Pods selected, in the policy namespace unless namespaceSelector is set.'),
    },
    { description: 'NetworkPolicyPeer is a set of pods, namespaces or addresses traffic is allowed with.' },
  ),
);

define(
  `${NET}.NetworkPolicyPort`,
  obj(
    {
      endPort: int32('Last port of a range starting at port; requires a numeric port.'),
      port: intOrString('Port number or named port on the pods; all ports when absent.'),
      protocol: enumOf(['SCTP', 'TCP', 'UDP'], 'Protocol of the traffic: TCP (default), UDP or SCTP.'),
    },
    { description: 'NetworkPolicyPort is a port (range) traffic is allowed on.' },
  ),
);

define(
  `${NET}.NetworkPolicyIngressRule`,
  obj(
    {
      from: arr(ref(`${NET}.NetworkPolicyPeer`), { ...atomic, description: 'Sources allowed; any source when empty.' }),
      ports: arr(ref(`${NET}.NetworkPolicyPort`), { ...atomic, description: 'Ports allowed; all ports when empty.' }),
    },
    { description: 'NetworkPolicyIngressRule allows traffic into the selected pods.' },
  ),
);

define(
  `${NET}.NetworkPolicyEgressRule`,
  obj(
    {
      ports: arr(ref(`${NET}.NetworkPolicyPort`), { ...atomic, description: 'Destination ports allowed; all ports when empty.' }),
      to: arr(ref(`${NET}.NetworkPolicyPeer`), { ...atomic, description: 'Destinations allowed; any destination when empty.' }),
    },
    { description: 'NetworkPolicyEgressRule allows traffic out of the selected pods.' },
  ),
);

define(
  `${NET}.NetworkPolicySpec`,
  obj(
    {
      egress: arr(ref(`${NET}.NetworkPolicyEgressRule`), { ...atomic, description: 'Egress rules; with Egress in policyTypes and no rules, all egress is denied.' }),
      ingress: arr(ref(`${NET}.NetworkPolicyIngressRule`), { ...atomic, description: 'Ingress rules; with no rules, all ingress to the selected pods is denied.' }),
      podSelector: labelSelector('Pods in this namespace the policy applies to; empty selects all of them.'),
      policyTypes: arr(enumOf(['Egress', 'Ingress']), { ...atomic, description: 'Directions the policy isolates: Ingress, Egress or both.' }),
    },
    { required: ['podSelector'], description: 'NetworkPolicySpec is the desired behaviour of a NetworkPolicy.' },
  ),
);

define(
  `${NET}.NetworkPolicy`,
  obj(
    {
      apiVersion: apiVersionField(),
      kind: kindField(),
      metadata: objectMeta(),
      spec: ref(`${NET}.NetworkPolicySpec`, 'Desired behaviour of the policy.'),
    },
    { description: 'NetworkPolicy says which network traffic a set of pods may send and receive.' },
  ),
);
defineList('NetworkPolicy', 'NetworkPolicyList is a list of NetworkPolicies.');
