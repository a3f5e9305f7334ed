#!/usr/bin/env bash
# The tools that render the review pictures the way a reviewer sees them: Graphviz, and
# Mermaid in a headless browser (mermaid-cli driving Debian's Chromium). Installs what is
# missing; mermaid-cli goes to .tools/mermaid (not committed). Used by .ci/run and by
# tests/review/test_rendered_pictures.py.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_install() {
  apt-get install -y -q "$@" >/dev/null 2>&1 || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q "$@" >/dev/null 2>&1; }
}
command -v dot >/dev/null 2>&1 || apt_install graphviz || echo "picture-tools: could not install graphviz" >&2
command -v chromium >/dev/null 2>&1 || apt_install chromium || echo "picture-tools: could not install chromium" >&2

MMDC=.tools/mermaid/node_modules/.bin/mmdc
if [ ! -x "$MMDC" ] && command -v npm >/dev/null 2>&1; then
  mkdir -p .tools/mermaid
  # the browser is Debian's Chromium: puppeteer must not download its own
  (cd .tools/mermaid && [ -f package.json ] || echo '{"private": true}' > package.json)
  (cd .tools/mermaid && PUPPETEER_SKIP_DOWNLOAD=1 npm install --no-audit --no-fund --silent \
      @mermaid-js/mermaid-cli@11 >/dev/null 2>&1) || echo "picture-tools: could not install mermaid-cli" >&2
fi
[ -x "$MMDC" ] && echo "picture-tools: mermaid-cli $("$MMDC" --version 2>/dev/null || echo '?'), $(command -v chromium || echo 'no chromium'), $(command -v dot || echo 'no dot')"
exit 0
