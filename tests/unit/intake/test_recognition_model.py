"""The shipped model file: its version is its content hash, the card names it, it fits."""

from __future__ import annotations

import hashlib
from importlib import resources

from plaint.intake import recognition
from plaint.intake.recognition import MODEL_VERSION, recognise
from plaint.intake.recognition.model import decode
from tests.factories import ROOT

MODEL = resources.files("plaint.intake.recognition").joinpath("model.json")


def test_model_version_is_the_sha256_of_the_shipped_file() -> None:
    digest = hashlib.sha256(MODEL.read_bytes()).hexdigest()
    assert f"sha256:{digest}" == MODEL_VERSION
    assert (
        recognise("Where is my parcel?", language="en", languages=("en",)).model_version
        == MODEL_VERSION
    )


def test_the_model_card_names_the_shipped_version() -> None:
    card = (ROOT / "docs" / "recogniser-model.md").read_text(encoding="utf-8")
    assert MODEL_VERSION in card


def test_the_model_file_is_small_and_decodes() -> None:
    content = MODEL.read_bytes()
    assert len(content) <= 5 * 1024 * 1024
    weights = decode(content)
    assert weights.languages == recognition.MODEL_LANGUAGES
    assert 0.0 < recognition.REVIEW_THRESHOLD < recognition.COMPLAINT_THRESHOLD < 1.0


def test_the_engine_imports_no_training_library() -> None:
    source = "\n".join(
        path.read_text(encoding="utf-8")
        for path in (ROOT / "plaint" / "intake" / "recognition").glob("*.py")
    )
    for library in ("numpy", "sklearn", "scipy"):
        assert f"import {library}" not in source
        assert f"from {library}" not in source


def test_pyproject_ships_the_model_file() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"*" = ["*.json"]' in pyproject
