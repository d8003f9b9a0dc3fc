#!/usr/bin/env bash
# Installs espeak-ng (Debian package), the voice callstorm's callers speak with: caller audio that
# a bot's own voice-activity detection hears as speech. Idempotent: installs only when missing.
set -euo pipefail
if command -v espeak-ng >/dev/null 2>&1; then
  echo "espeak-ng already installed ($(espeak-ng --version | head -n 1))"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-speech needs apt-get (Debian/Ubuntu) to install espeak-ng; elsewhere install espeak-ng 1.51+ by hand" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y --no-install-recommends espeak-ng
echo "installed: espeak-ng ($(espeak-ng --version | head -n 1))"
