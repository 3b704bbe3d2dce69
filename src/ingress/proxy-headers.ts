// The request headers the data plane sets towards a pod, ingress-nginx's set: the client address
// as nginx saw it (incoming X-Forwarded-* are not trusted, as its use-forwarded-headers=false)
// and WebSocket upgrades passed through. nginx inherits proxy_set_header only into blocks that set
// none of their own, so a location that changes one header repeats the whole list.
export const PROXY_HEADERS: readonly [string, string][] = [
  ['Host', '$host'],
  ['Upgrade', '$http_upgrade'],
  ['Connection', '$connection_upgrade'],
  ['X-Real-IP', '$remote_addr'],
  ['X-Forwarded-For', '$remote_addr'],
  ['X-Forwarded-Host', '$host'],
  ['X-Forwarded-Port', '$server_port'],
  ['X-Forwarded-Proto', '$scheme'],
  ['X-Forwarded-Scheme', '$scheme'],
];
