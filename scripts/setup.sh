#!/usr/bin/env bash
# Set the project up on a fresh machine: .venv with the project installed, the front-end assets
# built, and (with --dev) the test tools and the Debian packages the tests need.
# Safe to run again: each step is skipped when what it makes is already up to date.
set -euo pipefail
cd "$(dirname "$0")/.."

dev=0
[ "${1:-}" = "--dev" ] && dev=1

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

if [ ! -x .venv/bin/python ]; then
  say "Creating .venv"
  python3 -m venv .venv
fi

extras=""
[ "$dev" = 1 ] && extras="[dev]"
stamp=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)${extras:+-dev}"
if [ ! -f "$stamp" ]; then
  say "Installing the project${extras:+ with the dev tools} into .venv"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${extras}"
  rm -f .venv/.installed-*
  touch "$stamp"
fi

lock_stamp="node_modules/.installed-$(sha256sum package-lock.json | cut -c1-16)"
if [ ! -f "$lock_stamp" ]; then
  say "Installing the front-end packages (npm ci, pinned by package-lock.json)"
  npm ci --no-audit --no-fund --loglevel=error
  touch "$lock_stamp"
fi
if [ ! -f static/dist/app.css ] || [ assets/scss/app.scss -nt static/dist/app.css ] \
   || [ "$lock_stamp" -nt static/dist/app.css ]; then
  say "Building the front-end assets"
  node scripts/build-assets.mjs
fi

if [ "$dev" = 1 ]; then
  missing=""
  [ -x /usr/bin/chromium ] || missing="$missing chromium"
  command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
    || missing="$missing postgresql"
  if [ -n "$missing" ]; then
    say "Installing Debian packages:$missing"
    if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
  fi
fi
