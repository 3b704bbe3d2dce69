#!/usr/bin/env bash
# One command to a running single-node k8ts cluster on a fresh Debian machine: installs the
# build dependencies and (as root) containerd, runc, the CNI plugins and nginx, builds, then runs
# `k8ts up`, which starts the server (control plane and this machine's node) in the background,
# waits until the node is Ready and DNS and ingress answer, and adds context "k8ts" to
# ~/.kube/config. Arguments go to `k8ts up` (e.g. --no-kubeconfig, or -- SERVER FLAGS).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "k8ts needs Node.js 20 and npm" >&2
  exit 1
fi
if [ "$(id -u)" = 0 ]; then
  ./scripts/install-node-deps.sh
fi
[ -d node_modules ] || npm ci --no-audit --no-fund
npm run --silent build
exec node dist/src/cli/main.js up "$@"
