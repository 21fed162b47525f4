#!/usr/bin/env bash
# Installs Debian's prometheus package (server and promtool) for the Prometheus provider's tests,
# without letting the package start its system service: the tests start their own server on
# 127.0.0.1 and stop it by its process handle. Does nothing when a prometheus binary is already on
# PATH or ROLLOUT4J_PROMETHEUS names one.
set -euo pipefail
if [ -n "${ROLLOUT4J_PROMETHEUS:-}" ] || command -v prometheus >/dev/null 2>&1; then
  exit 0
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
  sudo="sudo"
fi
policy=/usr/sbin/policy-rc.d
added_policy=""
if [ ! -e "$policy" ]; then
  # invoke-rc.d asks this script whether a package may start its service; 101 means no.
  printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
  $sudo chmod +x "$policy"
  added_policy=1
fi
cleanup() {
  if [ -n "$added_policy" ]; then
    $sudo rm -f "$policy"
  fi
}
trap cleanup EXIT
echo "installing Debian's prometheus package for the Prometheus provider's tests"
install() {
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends prometheus
}
if ! install; then
  $sudo apt-get update -q
  install
fi
prometheus --version | head -1
