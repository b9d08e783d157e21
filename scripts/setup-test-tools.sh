#!/usr/bin/env bash
# Installs what the browser and HTML-validation tests need, from Debian and npm only:
# Debian's Chromium (Playwright's own browser download does not work here), CJK fonts for
# readable screenshots, a Java runtime for the Nu Html Checker, and the npm test tools.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v zbarimg >/dev/null 2>&1 || need+=(zbar-tools)
[ -d /usr/share/fonts/opentype/noto ] || need+=(fonts-noto-cjk)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
if [ -f tests/tools/package-lock.json ]; then
  (cd tests/tools && npm ci --no-audit --no-fund --loglevel=error)
else
  (cd tests/tools && npm install --no-audit --no-fund --loglevel=error)
fi
