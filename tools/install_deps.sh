#!/usr/bin/env bash
# Installs, with apt-get, only the Debian 12 packages SAM3 Annotate needs that are missing.
# Idempotent: a second run installs nothing. Runs as root or through sudo.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  qt6-base-dev qt6-base-dev-tools qt6-svg-dev libqt6svg6 libgl-dev
  libtorch-dev libopencv-dev nlohmann-json3-dev libicu-dev zlib1g-dev
  libopenblas0-pthread libdnnl-dev
  python3-torch python3-torchvision python3-numpy
  libbenchmark-dev
  dpkg-dev fakeroot file
  clang  # libFuzzer for tools/fuzz.sh
  xvfb libxkbcommon-x11-0  # the GUI suites' second run, on X servers (tools/xvfb_test.sh)
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install_deps: all ${#packages[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install_deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi

echo "install_deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
