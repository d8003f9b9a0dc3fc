#!/usr/bin/env bash
# Installs what the report needs on a Debian machine: Chromium (the browser tests open the report
# in it through playwright-core; never `npx playwright install`) and DejaVu Sans (the charts' font:
# without it resvg silently drops the text from the PNGs). Idempotent: installs only what is missing.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
if [ ${#missing[@]} -eq 0 ]; then
  echo "chromium and fonts-dejavu-core already installed"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-browser needs apt-get (Debian/Ubuntu) to install: ${missing[*]}" >&2
  echo "elsewhere, install Chromium and the DejaVu Sans font, and set CALLSTORM_CHROMIUM to the browser's path" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y --no-install-recommends "${missing[@]}"
echo "installed: ${missing[*]}"
