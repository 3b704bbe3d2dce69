#!/usr/bin/env bash
# What a k8ts node needs from Debian to run real containers: containerd and runc, the standard CNI
# plugins, iptables (pod masquerading, hostPort), busybox-static (the images tests and benches
# build), util-linux's `script` (tests drive `kubectl exec -it` through a pty) and docker-registry
# (the registries.yaml test), nginx (the ingress data plane), curl and openssl (the ingress test), nfs-common (mount.nfs, the
# kubelet's NFS client for nfs PersistentVolumes), and gcc with a static libc for the pause binary. Installs only
# what is missing; needs root.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
need=()
command -v containerd >/dev/null || need+=(containerd)
command -v runc >/dev/null || need+=(runc)
[ -x /usr/lib/cni/bridge ] || need+=(containernetworking-plugins)
command -v iptables >/dev/null || need+=(iptables)
command -v nft >/dev/null || need+=(nftables)
command -v conntrack >/dev/null || need+=(conntrack)
[ -x /bin/busybox ] && /bin/busybox --list 2>/dev/null | grep -qx httpd || need+=(busybox-static)
command -v script >/dev/null || need+=(bsdutils)
command -v docker-registry >/dev/null || need+=(docker-registry)
[ -x /usr/sbin/nginx ] || need+=(nginx)
command -v curl >/dev/null || need+=(curl)
command -v openssl >/dev/null || need+=(openssl)
[ -x /sbin/mount.nfs ] || need+=(nfs-common)
# The pod sandbox (pause) binary is compiled statically at build time.
command -v gcc >/dev/null || need+=(gcc)
[ -n "$(gcc -print-file-name=libc.a 2>/dev/null | grep /)" ] || need+=(libc6-dev)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "a k8ts node needs root to install: ${need[*]}" >&2
    exit 1
  fi
  echo "installing: ${need[*]}"
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi
