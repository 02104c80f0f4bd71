"""`make run`'s banner says where the portal is and how to sign in."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from devstack.__main__ import banner
from devstack.stack import StackConfig, admin_token, auditor_token


def test_the_banner_names_the_portal_and_both_tokens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLAINT_CHECKPOINT_DIR", str(tmp_path / "checkpoints"))
    config = StackConfig(data_dir=tmp_path)
    text = banner(SimpleNamespace(config=config, secret="s"))  # type: ignore[arg-type]
    assert f"portal           {config.portal_url}/" in text
    assert auditor_token(tmp_path) in text and admin_token(tmp_path) in text
    assert "sign in with your name and a token" in text
