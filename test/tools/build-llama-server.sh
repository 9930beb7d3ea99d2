#!/usr/bin/env bash
# Builds llama-server from the llama.cpp source that node-llama-cpp ships (no network needed),
# once per llama.cpp commit, into a cache folder outside the clone. Prints the binary's path.
# Non-native on purpose: a GGML_NATIVE build crashed on these VMs (cpuid reports AMX that does not run).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bundle="$root/node_modules/node-llama-cpp/llama/gitRelease.bundle"
cache="${PYLOT_CACHE:-$HOME/.cache/pylot}"
[ -f "$bundle" ] || { echo "node-llama-cpp's llama.cpp bundle not found: run npm install first" >&2; exit 1; }

commit=$(git bundle list-heads "$bundle" | awk 'NR==1{print $1}')
out="$cache/llama-server/$commit"
bin="$out/bin/llama-server"
if [ -x "$bin" ]; then echo "$bin"; exit 0; fi

if ! command -v cmake >/dev/null || ! command -v g++ >/dev/null; then
  [ "$(id -u)" = 0 ] || { echo "cmake and g++ are needed to build llama-server" >&2; exit 1; }
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq cmake g++ >&2
fi

work="$out.build"
rm -rf "$work" && mkdir -p "$work"
git clone -q "$bundle" "$work/src" >&2
git -C "$work/src" checkout -q "$commit" >&2
cmake -S "$work/src" -B "$work/build" -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF \
  -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_BUILD_UI=OFF \
  -DLLAMA_OPENSSL=OFF -DLLAMA_CURL=OFF -DGGML_NATIVE=OFF >&2
cmake --build "$work/build" --target llama-server -j"$(nproc)" >&2
mkdir -p "$out/bin"
cp "$work/build/bin/llama-server" "$bin.tmp" && mv "$bin.tmp" "$bin"
rm -rf "$work"
echo "$bin"
