#!/usr/bin/env bash
# Installs everything sohoa needs on a fresh Debian/Ubuntu machine: the OCR and
# PDF programs, fonts for the sample generator, a virtual environment and the
# project with its pinned dependencies. Safe to run again: it skips what is there.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(tesseract-ocr tesseract-ocr-vie tesseract-ocr-osd tesseract-ocr-eng poppler-utils fonts-liberation2 fonts-noto-core fonts-dejavu-core fonts-dejavu-extra fonts-ocr-b python3-venv)
# SOHOA_BROWSER=1 (make test): Debian's chromium for the browser tests, which drive it with
# Playwright (Playwright cannot download its own browsers here). Where the package is missing or is
# only a snap wrapper (Ubuntu), those tests skip and say why; nothing else needs it.
BROWSER_PACKAGES=(chromium)
EXTRAS="${SOHOA_EXTRAS:-test}"

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
missing_from() {
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || echo "$package"
  done
}
apt_install() {
  echo "setup: installing $*"
  [ -n "${apt_updated:-}" ] || { $sudo apt-get update -qq; apt_updated=1; }
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

mapfile -t missing < <(missing_from "${APT_PACKAGES[@]}")
[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
if [ "${SOHOA_BROWSER:-0}" = 1 ]; then
  mapfile -t missing < <(missing_from "${BROWSER_PACKAGES[@]}")
  [ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}" || echo "setup: no chromium package: the browser tests will be skipped"
fi

python="${PYTHON:-python3}"
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
  echo "setup: sohoa needs Python 3.11 or newer ($python is $("$python" --version))" >&2; exit 1; }

[ -x .venv/bin/python ] || "$python" -m venv .venv
project_hash="$(sha256sum < pyproject.toml | cut -c1-16)"
stamp=".venv/.installed-${project_hash}-${EXTRAS//,/-}"
if [ ! -f "$stamp" ]; then
  echo "setup: installing the project and its dependencies into .venv"
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1
  .venv/bin/python -m pip install -e ".[${EXTRAS}]" > .venv/pip.log 2>&1 || {
    tail -n 30 .venv/pip.log >&2; echo "setup: pip install failed (full log: .venv/pip.log)" >&2; exit 1; }
  # Stamps of an older pyproject.toml go; those of other extras for this one stay valid.
  find .venv -maxdepth 1 -name '.installed-*' ! -name ".installed-${project_hash}-*" -delete
  touch "$stamp"
fi
