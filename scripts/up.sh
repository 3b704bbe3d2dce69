#!/usr/bin/env bash
# One command to a running single-node k8ts cluster on a fresh Debian machine: installs the
# build dependencies and (as root) containerd, runc and the CNI plugins, builds, starts
# `k8ts server` (control plane and this machine's node, with busybox built from the host's
# busybox-static as an offline image) in the background and waits until it answers /readyz.
# Prints how to point kubectl at it.
set -euo pipefail
cd "$(dirname "$0")/.."

DATA_DIR="${K8TS_DATA_DIR:-$HOME/.k8ts}"
PORT="${K8TS_PORT:-6443}"
LOG="$DATA_DIR/server.log"

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "k8ts needs Node.js 20 and npm" >&2
  exit 1
fi
AGENT_FLAG=()
if [ "$(id -u)" = 0 ]; then
  ./scripts/install-node-deps.sh
else
  echo "not root: starting the control plane only (a node running containers needs root)"
  AGENT_FLAG=(--disable-agent)
fi
[ -d node_modules ] || npm ci --no-audit --no-fund
npm run --silent build

mkdir -p "$DATA_DIR"
if [ -f "$DATA_DIR/server.pid" ] && kill -0 "$(cat "$DATA_DIR/server.pid")" 2>/dev/null; then
  echo "k8ts server already running (pid $(cat "$DATA_DIR/server.pid"))"
else
  nohup node dist/src/cli/main.js server --data-dir "$DATA_DIR" --https-listen-port "$PORT" "${AGENT_FLAG[@]}" >"$LOG" 2>&1 &
  echo $! >"$DATA_DIR/server.pid"
fi

# Node asks /readyz (a fresh Debian has no curl): up to 30 s, every 100 ms.
if PORT="$PORT" KUBECONFIG_FILE="$DATA_DIR/kubeconfig.yaml" node -e '
  const https = require("node:https");
  const fs = require("node:fs");
  const deadline = Date.now() + 30000;
  const ready = () => new Promise((resolve) => {
    if (!fs.existsSync(process.env.KUBECONFIG_FILE)) return resolve(false);
    https.get({ host: "127.0.0.1", port: Number(process.env.PORT), path: "/readyz", rejectUnauthorized: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    }).on("error", () => resolve(false));
  });
  (async () => {
    while (Date.now() < deadline) {
      if (await ready()) process.exit(0);
      await new Promise((r) => setTimeout(r, 100));
    }
    process.exit(1);
  })();
'; then
  echo "k8ts is up: https://127.0.0.1:$PORT (log: $LOG)"
  echo "  export KUBECONFIG=$DATA_DIR/kubeconfig.yaml"
  echo "  kubectl get nodes"
  exit 0
fi
echo "k8ts server did not become ready; see $LOG" >&2
tail -20 "$LOG" >&2
exit 1
