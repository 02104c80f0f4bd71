"""`make run` pointed at a policy that cannot run says why, with the file and line, and
starts nothing (rather than a traceback from the portal's first policy read)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bootstrap.root import Root
from bootstrap.settings import Settings
from devstack.__main__ import policy_refusal
from plaint.vocabulary.errors import PolicyError
from tests.factories import ROOT


def _overlay(folder: Path) -> Path:
    path = folder / "mine.json"
    rule = {"id": 1}
    path.write_text(json.dumps({"extends": "default.json", "rules": [rule]}, indent=2))
    return path


def test_an_invalid_overlay_is_refused_naming_its_own_file_and_line(tmp_path: Path) -> None:
    refusal = policy_refusal(str(_overlay(tmp_path)))
    assert refusal is not None and "nothing was started" in refusal
    assert "rules[8].id (mine.json line 5): Input should be a valid string" in refusal


def test_a_missing_file_is_refused_and_a_valid_policy_or_none_runs(tmp_path: Path) -> None:
    assert "cannot be read" in (policy_refusal(str(tmp_path / "absent.json")) or "")
    assert policy_refusal(str(ROOT / "policies" / "default.json")) is None
    assert policy_refusal(None) is None


def test_the_packaged_policy_names_the_overlays_file_and_line(tmp_path: Path) -> None:
    root = Root(Settings(policy_path=str(_overlay(tmp_path))))
    with pytest.raises(PolicyError) as refused:
        _ = root.packaged_policy
    assert any("mine.json line 5" in problem for problem in refused.value.problems)
