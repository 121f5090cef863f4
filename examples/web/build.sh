#!/usr/bin/env bash
# Builds the browser page: the binding (this folder's crate) for wasm32-unknown-unknown, then
# wasm-bindgen's JS glue and the wasm file into pkg/ (not committed), shrunk with wasm-opt when it
# is there (binaryen, from test/'s npm packages or the PATH).
#
#   examples/web/build.sh            # or: cargo run --release --example serve_web (builds, serves)
#
# Needs: rustup target add wasm32-unknown-unknown, and wasm-bindgen-cli of exactly the version of
# the wasm-bindgen crate in Cargo.lock (the error below gives the install command).
set -euo pipefail
cd "$(dirname "$0")"

version=$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"$/\1/p')
if ! command -v wasm-bindgen >/dev/null 2>&1; then
  echo "build.sh: wasm-bindgen is not installed; run: cargo install wasm-bindgen-cli --version $version" >&2
  exit 1
fi
installed=$(wasm-bindgen --version | awk '{print $2}')
if [ "$installed" != "$version" ]; then
  echo "build.sh: wasm-bindgen $installed is installed, the crate is $version; run: cargo install wasm-bindgen-cli --version $version" >&2
  exit 1
fi

cargo build --release --target wasm32-unknown-unknown
rm -rf pkg
wasm-bindgen --target web --no-typescript --out-dir pkg \
  target/wasm32-unknown-unknown/release/nopitch_web.wasm
raw=$(wc -c <pkg/nopitch_web_bg.wasm)

wasm_opt=""
if [ -x test/node_modules/.bin/wasm-opt ]; then
  wasm_opt=test/node_modules/.bin/wasm-opt
elif command -v wasm-opt >/dev/null 2>&1; then
  wasm_opt=wasm-opt
fi
if [ -n "$wasm_opt" ]; then
  # The features rustc enables by default for wasm32 (wasm-opt refuses what it is not told of).
  "$wasm_opt" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    pkg/nopitch_web_bg.wasm -o pkg/nopitch_web_bg.opt.wasm
  mv pkg/nopitch_web_bg.opt.wasm pkg/nopitch_web_bg.wasm
  echo "build.sh: pkg/nopitch_web_bg.wasm: $raw bytes from wasm-bindgen, $(wc -c <pkg/nopitch_web_bg.wasm) after wasm-opt -Oz"
else
  echo "build.sh: pkg/nopitch_web_bg.wasm: $raw bytes (wasm-opt not found, so over the 3 MB target: npm ci in examples/web/test installs it)"
fi
