#!/usr/bin/env bash
# The workspace builds for Windows and macOS too: `cargo check` for
# x86_64-pc-windows-msvc and aarch64-apple-darwin, with the standard library
# built from source (this machine has no prebuilt one for them).
#
# The compiler is Debian's rustc 1.85 with its library source (packages
# rustc-web and rust-web-src), called through .ci/rustc-1.85, which turns on
# let chains (stable since 1.88, the workspace's rust-version) as a feature:
# a check on 1.85 also shows that nothing else newer is used. It writes to a
# target directory of its own, so the main build is untouched.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! [ -x /usr/bin/rustc ] || ! [ -d /usr/lib/rustlib/src/rust/library ]; then
  apt-get install -y -qq rustc-web rust-web-src >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq rustc-web rust-web-src >/dev/null; }
fi
dpkg-query -W rustc-web rust-web-src

for target in x86_64-pc-windows-msvc aarch64-apple-darwin; do
  echo "checking $target"
  RUSTC="$PWD/.ci/rustc-1.85" RUSTC_BOOTSTRAP=1 \
    CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}/cross" \
    cargo check --locked -q --ignore-rust-version \
      -Zbuild-std=std,panic_abort --target "$target" --workspace
done
