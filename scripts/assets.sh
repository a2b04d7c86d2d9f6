#!/usr/bin/env bash
# Build the front-end assets into static/dist/ and static/govuk/ (both gitignored).
# Idempotent and quick: npm runs only when package*.json changed, Sass only when
# static/src or the packages changed; stamps (hashes) live in node_modules/.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/_lib.sh
. scripts/_lib.sh

command -v npm >/dev/null 2>&1 || die "npm not found (install Node.js 20 or newer)"

# 1. Packages
npm_hash="$( { node --version; cat package.json; [ ! -f package-lock.json ] || cat package-lock.json; } | sha256sum | cut -d' ' -f1)"
npm_stamp=node_modules/.stamp-npm
if [ ! -x node_modules/.bin/sass ] || [ "$(cat "$npm_stamp" 2>/dev/null)" != "$npm_hash" ]; then
    if [ -f package-lock.json ]; then
        log "npm ci"
        npm ci --no-audit --no-fund --loglevel=error
    else
        log "npm install"
        npm install --no-audit --no-fund --loglevel=error
    fi
    printf '%s\n' "$npm_hash" >"$npm_stamp"
fi

govuk=node_modules/govuk-frontend/dist/govuk
[ -f "$govuk/govuk-frontend.min.js" ] && [ -d "$govuk/assets" ] \
    || die "$govuk is incomplete: is govuk-frontend installed?"
mkdir -p static/dist static/govuk

# 2. Stylesheet
css=static/dist/app.css
css_stamp=node_modules/.stamp-css
css_hash="$( { echo "$npm_hash"; find static/src -type f | LC_ALL=C sort | xargs cat; } | sha256sum | cut -d' ' -f1)"
if [ ! -s "$css" ] || [ "$(cat "$css_stamp" 2>/dev/null)" != "$css_hash" ]; then
    log "Compiling static/src/app.scss"
    # Build to a temporary file so a failed compile never leaves a half-written app.css.
    node_modules/.bin/sass --pkg-importer=node --style=compressed --no-source-map \
        static/src/app.scss "$css.tmp"
    mv "$css.tmp" "$css"
    printf '%s\n' "$css_hash" >"$css_stamp"
fi

# 3. Files copied as they are
copy_stamp=node_modules/.stamp-copy
if [ ! -f static/govuk/govuk-frontend.min.js ] || [ ! -d static/govuk/assets/images ] \
    || [ ! -f static/dist/htmx.min.js ] || [ "$(cat "$copy_stamp" 2>/dev/null)" != "$npm_hash" ]; then
    log "Copying govuk-frontend and htmx files"
    rm -rf static/govuk/assets static/govuk/govuk-frontend.min.js static/dist/htmx.min.js
    cp "$govuk/govuk-frontend.min.js" static/govuk/govuk-frontend.min.js
    cp -R "$govuk/assets" static/govuk/assets
    # GDS Transport is licensed for GOV.UK services only; app.scss uses Arial, so drop it.
    rm -rf static/govuk/assets/fonts
    cp node_modules/htmx.org/dist/htmx.min.js static/dist/htmx.min.js
    printf '%s\n' "$npm_hash" >"$copy_stamp"
fi
