#!/usr/bin/env bash
# Installs the system packages revtag needs on a fresh Debian machine of this kind
# (the Swift toolchain is already there): libxml2 headers, pkg-config, poppler's pdftohtml.
set -euo pipefail
need=()
for pkg in libxml2-dev pkg-config poppler-utils; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "install-deps: need root (or sudo) to install: ${need[*]}" >&2; exit 1; }
    sudo=sudo
  fi
  echo "install-deps: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
