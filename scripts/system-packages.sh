#!/usr/bin/env bash
# Debian packages `make run` needs beyond Python: Pango, which WeasyPrint uses to draw the QA
# visit pack PDF. Installed when missing and we may (root with apt-get); otherwise a warning,
# because everything but the PDF works without it.
set -uo pipefail
if ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0.so.0; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends \
    libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null && exit 0
fi
echo "!!! Pango is missing, so QA visit pack PDFs will not work:" \
  "sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0" >&2
