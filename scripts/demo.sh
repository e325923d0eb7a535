#!/usr/bin/env bash
# The main job on the embedded default: generated scans of Vietnamese papers
# (dossier pages and specimens of every paper type) are ingested, then found
# again by a name typed without diacritics and by a dossier code. Leaves the
# web service one command away.
set -euo pipefail
cd "$(dirname "$0")/.."
demo="${1:-${SOHOA_HOME:-.sohoa}/demo}"
sohoa=.venv/bin/sohoa

if [ ! -f "$demo/ground_truth.json" ]; then
  mkdir -p "$demo"
  .venv/bin/python -m samples "$demo/scans" --documents 8 --seed 2024 --level mixed
  .venv/bin/python -m samples.specimen_batch "$demo/scans/papers" --count 9 --seed 1 --level mild
  # Ground truth stays beside the scans, not among them: the clerk's folder holds only scans.
  mv "$demo/scans/ground_truth.json" "$demo/scans/manifest.csv" "$demo/scans/papers/specimens.json" "$demo/"
fi
"$sohoa" ingest "$demo/scans" --manifest "$demo/manifest.csv" --report "$demo/report.json"

read -r name dossier citizen < <(.venv/bin/python - "$demo" <<'PY'
import json, sys
from pathlib import Path
from search.folding import fold
demo = Path(sys.argv[1])
doc = json.loads((demo / "ground_truth.json").read_text(encoding="utf-8"))["documents"][0]
papers = json.loads((demo / "specimens.json").read_text(encoding="utf-8"))["specimens"]
receipt = next(p for p in papers if p["doc_type"] == "dossier_receipt")
print(fold(doc["full_name"]).replace(" ", "_"), receipt["dossier_code"], doc["owner_id"])
PY
)
echo
echo "Search for a name typed without diacritics: sohoa search \"${name//_/ }\""
"$sohoa" search "${name//_/ }" --limit 5
echo
echo "Search for the dossier code printed in a receipt's QR code: sohoa search \"$dossier\""
"$sohoa" search "$dossier" --limit 5
cat <<NEXT

Data is in $SOHOA_HOME. Next:
  SOHOA_HOME=$SOHOA_HOME $sohoa show <id>                 # one record, with its fields
  SOHOA_HOME=$SOHOA_HOME $sohoa serve --demo-login        # then open http://127.0.0.1:8000/login
Demo logins (the login page mints them, or paste a token from):
  officer:  SOHOA_HOME=$SOHOA_HOME $sohoa token --officer "Cán bộ một cửa"
  citizen:  SOHOA_HOME=$SOHOA_HOME $sohoa token --citizen $citizen
NEXT
