#!/usr/bin/env bash
# Installs everything sohoa needs on a fresh Debian/Ubuntu machine: the OCR and
# PDF programs, fonts for the sample generator, a virtual environment and the
# project with its pinned dependencies. Safe to run again: it skips what is there.
set -euo pipefail
cd "$(dirname "$0")/.."

# chromium: the browser tests (tests/test_service_browser.py) drive Debian's build with Playwright,
# which cannot download its own browsers here.
APT_PACKAGES=(tesseract-ocr tesseract-ocr-vie tesseract-ocr-osd poppler-utils fonts-liberation2 fonts-noto-core python3-venv
  chromium)
EXTRAS="${SOHOA_EXTRAS:-test}"

missing=()
for package in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python="${PYTHON:-python3}"
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
  echo "setup: sohoa needs Python 3.11 or newer ($python is $("$python" --version))" >&2; exit 1; }

[ -x .venv/bin/python ] || "$python" -m venv .venv
stamp=".venv/.installed-$(cat pyproject.toml | sha256sum | cut -c1-16)-${EXTRAS//,/-}"
if [ ! -f "$stamp" ]; then
  echo "setup: installing the project and its dependencies into .venv"
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1
  .venv/bin/python -m pip install -e ".[${EXTRAS}]" > .venv/pip.log 2>&1 || {
    tail -n 30 .venv/pip.log >&2; echo "setup: pip install failed (full log: .venv/pip.log)" >&2; exit 1; }
  rm -f .venv/.installed-* && touch "$stamp"
fi
