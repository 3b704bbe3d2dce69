#!/usr/bin/env bash
# Several real k8ts nodes on this one machine, by hand (docs/multi-node.md): a host bridge, a
# control plane on the host, and N `k8ts agent`s each in a network namespace of its own joined to
# the bridge, with its own containerd, data dir, cgroup root and pod CIDR.
#
#   scripts/multi-node.sh up [N] [vxlan|host-gw]    (default 3 nodes, vxlan)
#   scripts/multi-node.sh down
#
# Root only. Settings (environment): K8TS_MN_NAME (prefix of every name, default k8mn),
# K8TS_MN_NET (the /24's first three octets, default 192.168.77), K8TS_MN_DIR (default
# /var/lib/<name>), K8TS_MN_PORT (API server port, default 6443). Build first: npm run build.
set -euo pipefail
cd "$(dirname "$0")/.."

NAME="${K8TS_MN_NAME:-k8mn}"
NET="${K8TS_MN_NET:-192.168.77}"
DIR="${K8TS_MN_DIR:-/var/lib/$NAME}"
PORT="${K8TS_MN_PORT:-6443}"
BRIDGE="${NAME}br"
K8TS=(node "$PWD/dist/src/cli/main.js")

[ "$(id -u)" = 0 ] || { echo "error: needs root (network namespaces, containerd)" >&2; exit 1; }
[ -f dist/src/cli/main.js ] || { echo "error: build first (npm run build)" >&2; exit 1; }
[ "${#BRIDGE}" -le 15 ] || { echo "error: K8TS_MN_NAME too long for interface names" >&2; exit 1; }

up() {
  local n="${1:-3}" backend="${2:-vxlan}"
  if ip link show "$BRIDGE" >/dev/null 2>&1; then echo "error: $BRIDGE exists: run down first" >&2; exit 1; fi
  if ip -4 route show | grep -q "^$NET\."; then echo "error: $NET.0/24 is in use on this host: set K8TS_MN_NET" >&2; exit 1; fi
  mkdir -p "$DIR"
  # The bridge first: the server's certificate must name the address the agents use.
  ip link add "$BRIDGE" type bridge
  ip addr add "$NET.1/24" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  "${K8TS[@]}" server --disable-agent --data-dir "$DIR/server" --https-listen-port "$PORT" >"$DIR/server.log" 2>&1 &
  echo $! >"$DIR/server.pid"
  for _ in $(seq 100); do [ -f "$DIR/server/kubeconfig.yaml" ] && break; sleep 0.2; done
  [ -f "$DIR/server/kubeconfig.yaml" ] || { echo "error: the server did not start, see $DIR/server.log" >&2; exit 1; }
  sed "s#server: https://[^:]*:#server: https://$NET.1:#" "$DIR/server/kubeconfig.yaml" >"$DIR/agents.yaml"
  for i in $(seq 0 $((n - 1))); do
    local ns="$NAME$i" veth="${NAME}v$i"
    ip netns add "$ns"
    ip link add "$veth" type veth peer name "${veth}n"
    ip link set "${veth}n" netns "$ns"
    ip link set "$veth" master "$BRIDGE" up
    ip -n "$ns" link set "${veth}n" name eth0
    ip -n "$ns" addr add "$NET.$((10 + i))/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" link set lo up
    nsenter --net="/run/netns/$ns" "${K8TS[@]}" agent --data-dir "$DIR/$ns" --kubeconfig "$DIR/agents.yaml" \
      --node-name "$ns" --node-ip "$NET.$((10 + i))" --cgroup-root "/$ns" --flannel-backend "$backend" \
      >"$DIR/$ns.log" 2>&1 &
    echo $! >"$DIR/$ns.pid"
  done
  echo "$n" >"$DIR/nodes"
  for _ in $(seq 300); do
    [ "$(KUBECONFIG="$DIR/server/kubeconfig.yaml" kubectl get nodes --no-headers 2>/dev/null | grep -c ' Ready ')" = "$n" ] && break
    sleep 0.5
  done
  KUBECONFIG="$DIR/server/kubeconfig.yaml" kubectl get nodes -o wide
  echo "export KUBECONFIG=$DIR/server/kubeconfig.yaml"
}

stop_pid() {
  local f="$1"
  [ -f "$f" ] || return 0
  local pid
  pid="$(cat "$f")"
  if kill "$pid" 2>/dev/null; then
    for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}

down() {
  local n
  n="$(cat "$DIR/nodes" 2>/dev/null || echo 0)"
  # Pods first, while their agents run: each removes its sandboxes (and their netns) properly.
  KUBECONFIG="$DIR/server/kubeconfig.yaml" kubectl delete pods --all -A --grace-period=1 --timeout=60s >/dev/null 2>&1 || true
  for i in $(seq 0 $((n - 1))); do
    local ns="$NAME$i"
    stop_pid "$DIR/$ns.pid" # SIGTERM: the agent stops its containerd too
    ip netns exec "$ns" "${K8TS[@]}" agent --cleanup >/dev/null 2>&1 || true
    ip netns del "$ns" 2>/dev/null || true
    for c in /sys/fs/cgroup/*/"$ns" /sys/fs/cgroup/"$ns"; do [ -d "$c" ] && find "$c" -depth -type d -exec rmdir {} + 2>/dev/null; done
  done
  stop_pid "$DIR/server.pid"
  ip link del "$BRIDGE" 2>/dev/null || true
  rm -f "$DIR/nodes"
  echo "down; state is kept in $DIR (remove it to start afresh)"
}

case "${1:-}" in
  up) shift; up "$@" ;;
  down) down ;;
  *) echo "usage: $0 up [N] [vxlan|host-gw] | down" >&2; exit 2 ;;
esac
