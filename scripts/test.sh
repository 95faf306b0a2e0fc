#!/usr/bin/env bash
# Sets up what the tests check against (the real consumers of paperkg's outputs) and runs
# the whole test suite. Safe to re-run: installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v dot >/dev/null 2>&1 || need_apt+=(graphviz)
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
if ((${#need_apt[@]})); then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  echo "== installing ${need_apt[*]} (apt)"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

need_pip=()
python3 -c "import kuzu" 2>/dev/null || need_pip+=("kuzu==0.11.3")
python3 -c "import networkx" 2>/dev/null || need_pip+=(networkx)
python3 -c "import pyspark" 2>/dev/null || need_pip+=(pyspark)  # the Spark pipe test (Java 17)
if ((${#need_pip[@]})); then
  echo "== installing ${need_pip[*]} (pip)"
  python3 -m pip install -q --root-user-action=ignore "${need_pip[@]}" 2>&1 | grep -v "^\[notice\]" || true
fi

echo "== cargo test"
cargo test --all-targets "$@"
