#!/bin/sh
# Builds dist/pause, the static binary inside k8ts's pod sandbox image (k8ts.io/pause:3.10),
# from native/pause.c. Run from the repository root (npm run build does).
set -eu
cd "$(dirname "$0")/.."
CC="${CC:-gcc}"
if ! command -v "$CC" >/dev/null 2>&1; then
  echo "build-pause: $CC not found: install gcc and libc6-dev (apt-get install gcc libc6-dev) to build the pod sandbox image" >&2
  exit 1
fi
mkdir -p dist
"$CC" -static -Os -s -Wall -Wextra -Werror -o dist/pause.tmp native/pause.c
mv dist/pause.tmp dist/pause
