#!/usr/bin/env bash
# Installs the real Toxiproxy server into .tools/toxiproxy-server with `go install` (STACK.md:
# github.com/Shopify/toxiproxy/v2 v2.12.0). Idempotent: does nothing if the right version is there.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=v2.12.0
TARGET=.tools/toxiproxy-server
# `go install` builds report their version as "git", so a stamp file records what was installed.
if [ -x "$TARGET" ] && [ "$(cat "$TARGET.version" 2>/dev/null)" = "$VERSION" ]; then
  echo "toxiproxy-server ${VERSION} already in ${TARGET}"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "setup:toxiproxy needs Go (https://go.dev/dl/) to build toxiproxy-server ${VERSION}" >&2
  exit 1
fi
mkdir -p .tools
GOBIN="$PWD/.tools" go install "github.com/Shopify/toxiproxy/v2/cmd/server@${VERSION}"
mv .tools/server "$TARGET"
echo "$VERSION" > "$TARGET.version"
echo "installed toxiproxy-server ${VERSION} → ${TARGET}"
