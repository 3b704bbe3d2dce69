// Schema of Service (core/v1), field for field as Kubernetes 1.32 serves it.
import { arr, bool, define, enumOf, int32, intOrString, keyedList, obj, ref, str, strMap } from '../../schema/dsl.js';
import { apiVersionField, kindField, objectMeta } from '../../schema/meta.js';

const V1 = 'io.k8s.api.core.v1';
const atomic = (items: Parameters<typeof arr>[0], description: string) => arr(items, { listType: 'atomic', description });

define(
  `${V1}.ServicePort`,
  obj(
    {
      appProtocol: str('The application protocol spoken on this port, as an IANA service name or a domain-prefixed name.'),
      name: str('Name of the port, unique within the service and required when there is more than one port.'),
      nodePort: int32('Port opened on every node for NodePort and LoadBalancer services; allocated when left unset.'),
      port: int32('Port the service exposes.'),
      protocol: enumOf(['SCTP', 'TCP', 'UDP'], 'IP protocol of the port: TCP (default), UDP or SCTP.'),
      targetPort: intOrString('Number or named container port traffic is sent to on the selected pods; defaults to port.'),
    },
    { required: ['port'], description: 'ServicePort describes one port a service exposes.' },
  ),
);

define(
  `${V1}.ClientIPConfig`,
  obj(
    { timeoutSeconds: int32('How long a ClientIP affinity lasts, in seconds (1 to 86400, default 10800).') },
    { description: 'ClientIPConfig configures session affinity by client IP.' },
  ),
);

define(
  `${V1}.SessionAffinityConfig`,
  obj({ clientIP: ref(`${V1}.ClientIPConfig`, 'Settings of ClientIP based session affinity.') }, { description: 'SessionAffinityConfig holds the settings of session affinity.' }),
);

define(
  `${V1}.ServiceSpec`,
  obj(
    {
      allocateLoadBalancerNodePorts: bool('Whether node ports are allocated for a LoadBalancer service (default true).'),
      clusterIP: str('The virtual IP of the service: allocated when empty, "None" for a headless service.'),
      clusterIPs: atomic(str(), 'The virtual IPs of the service, at most one per IP family; the first equals clusterIP.'),
      externalIPs: atomic(str(), 'Extra IPs, routed to a node by the network, on which the service also accepts traffic.'),
      externalName: str('DNS name an ExternalName service returns as a CNAME record.'),
      externalTrafficPolicy: enumOf(['Cluster', 'Local'], 'How traffic from outside the cluster is routed: to any ready endpoint (Cluster) or to node-local ones only (Local).'),
      healthCheckNodePort: int32('Node port on which a LoadBalancer service with Local traffic policy reports node health.'),
      internalTrafficPolicy: enumOf(['Cluster', 'Local'], 'How traffic from inside the cluster is routed: to any endpoint (Cluster) or to node-local ones only (Local).'),
      ipFamilies: atomic(enumOf(['IPv4', 'IPv6']), 'IP families the service uses, in the order of clusterIPs.'),
      ipFamilyPolicy: enumOf(['PreferDualStack', 'RequireDualStack', 'SingleStack'], 'Whether the service is single-stack or dual-stack.'),
      loadBalancerClass: str('The load balancer implementation that should handle this service.'),
      loadBalancerIP: str('Deprecated: an IP requested from the load balancer implementation.'),
      loadBalancerSourceRanges: atomic(str(), 'Client CIDRs allowed through a cloud load balancer.'),
      ports: keyedList(ref(`${V1}.ServicePort`), 'port', 'Ports the service exposes.', { listMapKeys: ['port', 'protocol'] }),
      publishNotReadyAddresses: bool('Publish endpoints of pods that are not ready yet.'),
      selector: strMap('Labels of the pods traffic is sent to; without one, endpoints are managed by hand.'),
      sessionAffinity: enumOf(['ClientIP', 'None'], 'Session affinity: ClientIP keeps a client on one endpoint, None (default) does not.'),
      sessionAffinityConfig: ref(`${V1}.SessionAffinityConfig`, 'Settings of session affinity.'),
      trafficDistribution: str('Preference for how traffic is spread over endpoints, e.g. PreferClose.'),
      type: enumOf(['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'], 'How the service is exposed: ClusterIP (default), NodePort, LoadBalancer or ExternalName.'),
    },
    { description: 'ServiceSpec is the desired state of a service.' },
  ),
);

define(
  `${V1}.PortStatus`,
  obj(
    {
      error: str('Why the port could not be set up, as a CamelCase reason; empty when it was.'),
      port: int32('Number of the port.'),
      protocol: enumOf(['SCTP', 'TCP', 'UDP'], 'Protocol of the port.'),
    },
    { required: ['port', 'protocol'], description: 'PortStatus reports the state of one service port on a load balancer.' },
  ),
);

define(
  `${V1}.LoadBalancerIngress`,
  obj(
    {
      hostname: str('Hostname of a DNS-based load balancer ingress point.'),
      ip: str('IP of an IP-based load balancer ingress point.'),
      ipMode: enumOf(['Proxy', 'VIP'], 'How the ingress IP behaves: VIP delivers to nodes with the IP as destination, Proxy rewrites it.'),
      ports: atomic(ref(`${V1}.PortStatus`), 'Status of each service port on this ingress point.'),
    },
    { description: 'LoadBalancerIngress is one point where traffic for a load balancer enters.' },
  ),
);

define(
  `${V1}.LoadBalancerStatus`,
  obj({ ingress: atomic(ref(`${V1}.LoadBalancerIngress`), 'Ingress points of the load balancer.') }, { description: 'LoadBalancerStatus is the state of a load balancer.' }),
);

define(
  `${V1}.ServiceStatus`,
  obj(
    {
      conditions: keyedList(ref('io.k8s.apimachinery.pkg.apis.meta.v1.Condition'), 'type', 'Current conditions of the service.'),
      loadBalancer: ref(`${V1}.LoadBalancerStatus`, 'State of the load balancer, when there is one.'),
    },
    { description: 'ServiceStatus is the observed state of a service.' },
  ),
);

define(
  `${V1}.Service`,
  obj(
    {
      apiVersion: apiVersionField(),
      kind: kindField(),
      metadata: objectMeta(),
      spec: ref(`${V1}.ServiceSpec`, 'Desired behavior of the service.'),
      status: ref(`${V1}.ServiceStatus`, 'Most recently observed state of the service.'),
    },
    { description: 'Service is a named abstraction over a set of pods: a virtual IP, DNS name and ports that load-balance to them.' },
  ),
);
