"""`python -m training.recogniser` (or `make model`): rebuild the complaint recogniser.

Reads only files in the repository:
- training/data/tickets_train.jsonl: helpdesk tickets in az, ar, fa, tr, ru, en written for
  this project, labelled complaint / not_complaint (training/data/SOURCES.md);
- training/data/cfpb_narratives_train.jsonl: CFPB complaint narratives (public domain),
  the training part of the split in training/cfpb.py.

Writes plaint/intake/recognition/model.json (the weights the engine ships) and
docs/recogniser-model.md (the model card, with cross-validated figures per language and
the figures on the separate test set tests/data/recognition/tickets.jsonl).

The features are the engine's own (plaint.intake.recognition.features.analyse), so the
training and the runtime cannot drift apart. Logistic regression (liblinear, L2) is
deterministic for the same input, and every order here is fixed, so the same data gives
the same bytes and the same content hash.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse
from sklearn.linear_model import LogisticRegression

from plaint.intake.recognition import COMPLAINT_THRESHOLD, MAX_CHARACTERS, REVIEW_THRESHOLD
from plaint.intake.recognition.features import BUCKETS, analyse
from plaint.intake.recognition.model import decode, encode, version_of

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "training" / "data"
TICKETS = DATA / "tickets_train.jsonl"
CFPB = DATA / "cfpb_narratives_train.jsonl"
TEST_TICKETS = ROOT / "tests" / "data" / "recognition" / "tickets.jsonl"
MODEL = ROOT / "plaint" / "intake" / "recognition" / "model.json"
CARD = ROOT / "docs" / "recogniser-model.md"

LANGUAGES = ("az", "ar", "fa", "tr", "ru", "en")
# Regularisation strength (inverse) and the share of the English weight the CFPB
# narratives carry; chosen by the cross-validation below, fixed here for reproducibility.
# With 7,300 tickets the balanced error is flat from C = 200 to 1,500 (11.5-11.6 %) and
# higher at 32 (12.8 %).
C = 256.0
CFPB_SHARE = 0.25
FOLDS = 5
# Non-complaints weigh this much more than complaints in each language: a ticket that shows
# no evidence either way should lean to "not a complaint" (the review band catches the
# doubtful ones), as most helpdesk traffic is not complaints.
NON_COMPLAINT_WEIGHT = 1.2
# General chatter (greetings, news, sport: what a social channel also brings) teaches that
# text with no evidence is no complaint; it is not helpdesk traffic, so it weighs less.
# 0.75 gave the lowest balanced cross-validated error in Arabic, where most of it is
# (against 0.5 and 1.0); the other languages barely moved.
GENERAL_WEIGHT = 0.75
# Weights smaller than this share of the largest are dropped from the shipped model.
PRUNE = 0.005


@dataclass(frozen=True)
class Example:
    id: str
    language: str
    label: int
    kind: str
    text: str
    source: str


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def tickets(path: Path, source: str) -> list[Example]:
    return [
        Example(row["id"], row["language"], int(row["label"] == "complaint"), row["kind"],
                row["text"], source)
        for row in read_jsonl(path)
    ]  # fmt: skip


def cfpb() -> list[Example]:
    return [
        Example(f"cfpb-{row['complaint_id']}", "en", 1, "cfpb", row["text"], "cfpb")
        for row in read_jsonl(CFPB)
    ]


def weights_for(examples: Sequence[Example]) -> np.ndarray:
    """Each language's complaints and non-complaints weigh the same in total; the CFPB
    narratives together weigh CFPB_SHARE of the English tickets' complaints."""
    totals: dict[tuple[str, int, str], int] = defaultdict(int)
    for example in examples:
        totals[(example.language, example.label, example.source)] += 1
    weights = []
    for example in examples:
        key = (example.language, example.label, example.source)
        if example.source == "cfpb":
            english = totals[("en", 1, "tickets")] or 1
            weights.append(CFPB_SHARE * english / totals[key])
        else:
            weight = 50.0 * (NON_COMPLAINT_WEIGHT if example.label == 0 else 1.0) / totals[key]
            weights.append(weight * (GENERAL_WEIGHT if example.kind == "general" else 1.0))
    return np.asarray(weights, dtype=np.float64)


def matrix(examples: Sequence[Example]) -> scipy.sparse.csr_matrix:
    rows, cols, values = [], [], []
    for row, example in enumerate(examples):
        features = analyse(example.text[:MAX_CHARACTERS], example.language).features
        for index in sorted(features):
            rows.append(row)
            cols.append(index)
            values.append(features[index])
    return scipy.sparse.csr_matrix(
        (np.asarray(values), (np.asarray(rows), np.asarray(cols))),
        shape=(len(examples), BUCKETS),
    )


def fit(x: scipy.sparse.csr_matrix, y: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, float]:
    model = LogisticRegression(
        solver="liblinear", C=C, intercept_scaling=10.0, max_iter=1000, random_state=0, tol=1e-6
    )
    model.fit(x, y, sample_weight=w)
    return model.coef_[0].astype(np.float64), float(model.intercept_[0])


def pruned(coef: np.ndarray) -> np.ndarray:
    """The weights with those below PRUNE of the largest set to zero: they move no score
    that matters, and zeros keep the shipped file (and the Lambda artifact) small."""
    largest = float(np.abs(coef).max()) if coef.size else 0.0
    return np.where(np.abs(coef) < PRUNE * largest, 0.0, coef)


def fold_of(example: Example) -> int:
    return int(hashlib.sha256(example.id.encode()).hexdigest()[:8], 16) % FOLDS


def probabilities(coef: np.ndarray, intercept: float, x: scipy.sparse.csr_matrix) -> np.ndarray:
    scores = np.asarray(x @ coef).ravel() + intercept
    return 1.0 / (1.0 + np.exp(-scores))


def figures(examples: Sequence[Example], scores: np.ndarray) -> dict[str, dict[str, float]]:
    """Per language: recall, false-positive rate, review-band share at the thresholds."""
    table: dict[str, dict[str, float]] = {}
    groups: dict[str, list[int]] = defaultdict(list)
    for position, example in enumerate(examples):
        groups[example.source if example.source == "cfpb" else example.language].append(position)
    for name in [*LANGUAGES, "cfpb"]:
        positions = groups.get(name, [])
        if not positions:
            continue
        positives = [p for p in positions if examples[p].label == 1]
        negatives = [p for p in positions if examples[p].label == 0]
        flagged = [p for p in positions if scores[p] >= COMPLAINT_THRESHOLD]
        review = [p for p in positions if REVIEW_THRESHOLD <= scores[p] < COMPLAINT_THRESHOLD]
        table[name] = {
            "complaints": len(positives),
            "non_complaints": len(negatives),
            "recall": sum(p in flagged for p in positives) / len(positives) if positives else 0.0,
            "false_positive_rate": (
                sum(p in flagged for p in negatives) / len(negatives) if negatives else 0.0
            ),
            "review_band": len(review) / len(positions),
        }
    return table


def cross_validate(examples: Sequence[Example], x: scipy.sparse.csr_matrix) -> np.ndarray:
    y = np.asarray([example.label for example in examples])
    folds = np.asarray([fold_of(example) for example in examples])
    scores = np.zeros(len(examples))
    for fold in range(FOLDS):
        train = np.flatnonzero(folds != fold)
        test = np.flatnonzero(folds == fold)
        subset = [examples[int(i)] for i in train]
        coef, intercept = fit(x[train], y[train], weights_for(subset))
        scores[test] = probabilities(coef, intercept, x[test])
    return scores


def _table(rows: dict[str, dict[str, float]]) -> str:
    lines = [
        "| set | complaints | non-complaints | recall | false positives | review band |",
        "|---|---|---|---|---|---|",
    ]
    for name, row in rows.items():
        lines.append(
            f"| {name} | {int(row['complaints'])} | {int(row['non_complaints'])} "
            f"| {row['recall']:.1%} | {row['false_positive_rate']:.1%} | {row['review_band']:.1%} |"
        )
    return "\n".join(lines)


def write_card(
    version: str, size: int, cv: dict[str, Any], test: dict[str, Any], counts: dict[str, int]
) -> None:
    template = (ROOT / "training" / "card_template.md").read_text(encoding="utf-8")
    card = template.format(
        version=version,
        size_kb=size / 1024,
        buckets=BUCKETS,
        c=C,
        cfpb_share=CFPB_SHARE,
        non_complaint_weight=NON_COMPLAINT_WEIGHT,
        general_weight=GENERAL_WEIGHT,
        prune=PRUNE,
        complaint_threshold=COMPLAINT_THRESHOLD,
        review_threshold=REVIEW_THRESHOLD,
        max_characters=MAX_CHARACTERS,
        tickets=counts["tickets"],
        cfpb=counts["cfpb"],
        test_tickets=counts["test"],
        cv_table=_table(cv),
        test_table=_table(test),
    )
    CARD.write_text(card, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-cv", action="store_true", help="skip cross-validation")
    args = parser.parse_args(argv)

    examples = tickets(TICKETS, "tickets") + cfpb()
    x = matrix(examples)
    y = np.asarray([example.label for example in examples])
    cv_figures: dict[str, Any] = {}
    if not args.no_cv:
        cv_figures = figures(examples, cross_validate(examples, x))
        for name, row in cv_figures.items():
            print(f"cv {name}: {json.dumps({k: round(v, 3) for k, v in row.items()})}")

    coef, intercept = fit(x, y, weights_for(examples))
    coef = pruned(coef)
    content = encode(
        [float(value) for value in coef],
        intercept,
        {"complaint": COMPLAINT_THRESHOLD, "review": REVIEW_THRESHOLD},
        {
            "languages": sorted(LANGUAGES),
            "trained_on": {
                "tickets": sum(e.source == "tickets" for e in examples),
                "cfpb": sum(e.source == "cfpb" for e in examples),
            },
        },
    )
    MODEL.write_bytes(content)
    version = version_of(content)
    print(f"{MODEL.relative_to(ROOT)}: {len(content) / 1024:.0f} KiB, {version}")

    shipped = decode(content)
    test_examples = tickets(TEST_TICKETS, "test") if TEST_TICKETS.exists() else []
    test_scores = np.asarray(
        [
            shipped.probability(shipped.score(analyse(e.text[:MAX_CHARACTERS], e.language)))
            for e in test_examples
        ]
    )
    test_figures = figures(test_examples, test_scores)
    for name, row in test_figures.items():
        print(f"test {name}: {json.dumps({k: round(v, 3) for k, v in row.items()})}")
    write_card(
        version,
        len(content),
        cv_figures,
        test_figures,
        {"tickets": sum(e.source == "tickets" for e in examples),
         "cfpb": sum(e.source == "cfpb" for e in examples), "test": len(test_examples)},
    )  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
