#!/usr/bin/env bash
# Re-vendor front-end assets from their npm packages at pinned versions. The results are
# committed, so neither `make run` nor CI needs npm; run this only to change a version.
set -euo pipefail
HTMX_VERSION=2.0.11   # htmx 2.x: Litestar's htmx integration speaks its headers (4.x changed them)
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "htmx.org@${HTMX_VERSION}" >/dev/null
tar -xzf htmx.org-${HTMX_VERSION}.tgz
rm -f "$here"/survey_app/static/js/htmx-*.min.js
cp package/dist/htmx.min.js "$here/survey_app/static/js/htmx-${HTMX_VERSION}.min.js"
echo "vendored htmx ${HTMX_VERSION}"
