#!/usr/bin/env bash
# The main job on the embedded default: a generated batch of scanned Vietnamese
# papers is ingested, then found again by a name typed without diacritics and
# by a dossier code.
set -euo pipefail
cd "$(dirname "$0")/.."
batch="${1:-${SOHOA_HOME:-.sohoa}/demo-batch}"
sohoa=.venv/bin/sohoa

if [ ! -f "$batch/ground_truth.json" ]; then
  .venv/bin/python -m samples "$batch" --documents 12 --seed 2024 --level mixed
fi
"$sohoa" ingest "$batch" --manifest "$batch/manifest.csv" --report "$batch/report.json"

read -r name dossier < <(.venv/bin/python - "$batch/ground_truth.json" <<'PY'
import json, sys
from search.folding import fold
doc = json.load(open(sys.argv[1], encoding="utf-8"))["documents"][0]
print(fold(doc["full_name"]).replace(" ", "_"), doc["dossier_code"])
PY
)
echo
echo "Search for a name typed without diacritics: sohoa search \"${name//_/ }\""
"$sohoa" search "${name//_/ }" --limit 5
echo
echo "Search for a dossier code: sohoa search \"$dossier\""
"$sohoa" search "$dossier" --limit 5
echo
echo "Data is in $SOHOA_HOME. Try: SOHOA_HOME=$SOHOA_HOME $sohoa show <id>"
