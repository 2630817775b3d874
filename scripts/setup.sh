#!/usr/bin/env bash
# Installs whatever is missing for building, serving and testing Overfit, and nothing else.
# Idempotent: every step checks first, so later runs take a second or two.
# Everything comes from package registries (crates.io, npm, Debian); nothing downloads a
# prebuilt binary from elsewhere, because such downloads fail on our machines.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[setup] %s\n' "$*" >&2; }
export PATH="$HOME/.cargo/bin:$PATH"

# 1. The Rust target for the page.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# 2. wasm-bindgen-cli at exactly the version in Cargo.lock (wasm-pack would download it otherwise).
if [ ! -f Cargo.lock ]; then cargo generate-lockfile --quiet; fi
WB_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/[^0-9.]/,""); print; exit}' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WB_VERSION" ]; then
  log "installing wasm-bindgen-cli $WB_VERSION (first time only; takes a few minutes)"
  # --locked first; if a crate in its lock file is no longer served, let cargo resolve anew.
  cargo install --locked --force wasm-bindgen-cli --version "$WB_VERSION" \
    || cargo install --force wasm-bindgen-cli --version "$WB_VERSION"
fi

# 3. wasm-pack, built from crates.io.
if ! command -v wasm-pack >/dev/null; then
  log "installing wasm-pack (first time only; takes a few minutes)"
  cargo install --locked wasm-pack || cargo install wasm-pack
fi

# 4. Chromium and ChromeDriver from Debian, for wasm-pack's headless tests and the end-to-end tests.
SUDO=""; if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# 5. npm packages, exactly as locked, only when the lock file changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi
