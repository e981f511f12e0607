#!/usr/bin/env bash
# Build the front-end assets from npm packages at pinned versions. The outputs are committed, so
# neither `make run` nor CI needs npm; run this (`make frontend`) only to change the styles or a
# version. Needs Node.js and npm.
#
#   survey_app/web/frontend/*.scss  ->  survey_app/web/static/css/site.css   (GOV.UK Frontend + our skin)
#   govuk-frontend JS           ->  survey_app/web/static/js/govuk-frontend-<v>.min.js
#   htmx.org                    ->  survey_app/web/static/js/htmx-<v>.min.js
#   axe-core (tests only)       ->  tests/browser/vendor/axe-<v>.min.js
#   swagger-ui-dist             ->  survey_app/web/static/swagger-ui/  (the API docs at /schema; served
#                                   from here because the Content-Security-Policy forbids CDNs)
set -euo pipefail
GOVUK_FRONTEND_VERSION=6.6.0
SASS_VERSION=1.108.2
HTMX_VERSION=2.0.11   # 2.x: Litestar's htmx integration speaks its headers (4.x changed them)
AXE_VERSION=4.14.1
SWAGGER_UI_VERSION=5.35.0

here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm init -y >/dev/null
npm install --silent --no-audit --no-fund --save-exact \
  "govuk-frontend@${GOVUK_FRONTEND_VERSION}" "sass@${SASS_VERSION}" \
  "htmx.org@${HTMX_VERSION}" "axe-core@${AXE_VERSION}" \
  "swagger-ui-dist@${SWAGGER_UI_VERSION}" >/dev/null

npx sass --no-source-map --style=compressed --quiet-deps \
  --load-path=node_modules \
  "$here/survey_app/web/frontend/site.scss" "$here/survey_app/web/static/css/site.css"

rm -f "$here"/survey_app/web/static/js/govuk-frontend-*.min.js "$here"/survey_app/web/static/js/htmx-*.min.js
cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js \
  "$here/survey_app/web/static/js/govuk-frontend-${GOVUK_FRONTEND_VERSION}.min.js"
cp node_modules/htmx.org/dist/htmx.min.js "$here/survey_app/web/static/js/htmx-${HTMX_VERSION}.min.js"
rm -rf "$here/survey_app/web/static/swagger-ui"
mkdir -p "$here/survey_app/web/static/swagger-ui"
cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css \
  node_modules/swagger-ui-dist/LICENSE "$here/survey_app/web/static/swagger-ui/"
echo "${SWAGGER_UI_VERSION}" > "$here/survey_app/web/static/swagger-ui/VERSION"
mkdir -p "$here/tests/browser/vendor"
rm -f "$here"/tests/browser/vendor/axe-*.min.js
cp node_modules/axe-core/axe.min.js "$here/tests/browser/vendor/axe-${AXE_VERSION}.min.js"

if grep -qi "GDS Transport" "$here/survey_app/web/static/css/site.css"; then
  echo "site.css mentions GDS Transport: check the font settings" >&2
  exit 1
fi
echo "built site.css ($(wc -c < "$here/survey_app/web/static/css/site.css") bytes), govuk-frontend ${GOVUK_FRONTEND_VERSION}, htmx ${HTMX_VERSION}, axe-core ${AXE_VERSION}, swagger-ui ${SWAGGER_UI_VERSION}"
