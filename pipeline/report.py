"""The batch report: one line per input with its outcome, and the totals a clerk checks."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.ingest import DUPLICATE, INDEXED, QUARANTINED, DocumentResult


@dataclass
class BatchReport:
    batch: str
    documents: list[DocumentResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def summary(self) -> dict:
        statuses = Counter(doc.status for doc in self.documents)
        pages = sum(doc.pages for doc in self.documents if doc.status == INDEXED)
        return {
            "files": len(self.documents),
            INDEXED: statuses[INDEXED],
            DUPLICATE: statuses[DUPLICATE],
            QUARANTINED: statuses[QUARANTINED],
            "needs_review": sum(1 for doc in self.documents if doc.needs_review and doc.status == INDEXED),
            "pages_ocred": pages,
            "seconds": round(self.seconds, 1),
            "pages_per_minute": round(pages * 60 / self.seconds, 1) if self.seconds > 0 else None,
        }

    def to_dict(self) -> dict:
        return {"batch": self.batch, "documents": [d.to_dict() for d in self.documents], "summary": self.summary}

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
