"""The CFPB narratives the recogniser trains on, and the rule that keeps a part out.

Consumer complaint narratives published by the US Consumer Financial Protection Bureau are
works of the US federal government, in the public domain (17 U.S.C. 105). The sample used
here is tgschwartz/BDM_HW3 @6ad1d11ab795d8ccadb4518cf4dce7f76fb74ac7,
cfpb_complaints_sample_6623rows_2015-2020.csv (1,532 rows with a narrative).

`python -m training.cfpb SOURCE.csv` writes the training part to
training/data/cfpb_narratives_train.jsonl. The held-out part is never copied: the
benchmark reads it from the source file with the same rule (`held_out`).
"""

from __future__ import annotations

import csv
import hashlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path

TRAIN_FILE = Path(__file__).resolve().parent / "data" / "cfpb_narratives_train.jsonl"
NARRATIVE = "Consumer complaint narrative"
HELD_OUT_PERCENT = 30


def held_out(complaint_id: str) -> bool:
    """True for the ~30 % of complaints kept for the benchmark, by a hash of the CFPB's
    own complaint id (stable whatever the file's order)."""
    digest = hashlib.sha256(complaint_id.strip().encode("utf-8")).hexdigest()
    return int(digest[:8], 16) % 100 < HELD_OUT_PERCENT


def narratives(source: Path) -> Iterator[dict[str, str]]:
    csv.field_size_limit(1 << 24)
    with source.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            text = (row.get(NARRATIVE) or "").strip()
            if text:
                yield {
                    "complaint_id": row["Complaint ID"].strip(),
                    "product": row["Product"],
                    "text": text,
                }


def main(argv: list[str]) -> int:
    source = Path(argv[0])
    rows = [row for row in narratives(source) if not held_out(row["complaint_id"])]
    rows.sort(key=lambda row: int(row["complaint_id"]))
    with TRAIN_FILE.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
    print(f"{len(rows)} narratives -> {TRAIN_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
