#!/bin/sh
# Compile GOV.UK Frontend (Arial, no crown, no GDS Transport font) into casework/static/build.
set -eu
cd "$(dirname "$0")/.."
out=casework/static/build
mkdir -p "$out"
node_modules/.bin/sass --load-path=node_modules --style=compressed --no-source-map --quiet-deps \
  --silence-deprecation=import --silence-deprecation=global-builtin \
  frontend/casework.scss "$out/casework.css"
cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js "$out/"
cp frontend/init.js "$out/"
if grep -q "GDS Transport" "$out/casework.css"; then
  echo "casework.css mentions GDS Transport: the font must not be used" >&2
  exit 1
fi
echo "assets built: $out"
