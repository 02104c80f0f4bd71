"""The policy the local stack judges by: the one named, with the local sender and mailbox
when it names none, its bases still found from the copy in the data directory."""

from __future__ import annotations

import json
from pathlib import Path

from devstack.local_ses import LOCAL_MAILBOX, LOCAL_SENDER, local_policy
from plaint.policy.loading import load_policy


def test_an_overlay_gets_the_local_sender_and_still_finds_its_bases(tmp_path: Path) -> None:
    folder, data = tmp_path / "ours", tmp_path / "data"
    folder.mkdir()
    data.mkdir()
    (folder / "base.json").write_text(
        json.dumps({"extends": "default.json", "surveys": {"delay_hours": 0}}), encoding="utf-8"
    )
    overlay = folder / "survey-now.json"
    overlay.write_text(json.dumps({"extends": "base"}), encoding="utf-8")
    written = local_policy(overlay, data)
    assert written == data / "local-policy.json"
    policy = load_policy(written)
    assert (policy.email.sender, policy.email.mailbox) == (LOCAL_SENDER, LOCAL_MAILBOX)
    assert policy.surveys.delay_hours == 0


def test_a_policy_naming_its_own_sender_keeps_it(tmp_path: Path) -> None:
    overlay = tmp_path / "ours.json"
    document = {"extends": "default.json", "email": {"sender": "care@example.az"}}
    overlay.write_text(json.dumps(document), encoding="utf-8")
    policy = load_policy(local_policy(overlay, tmp_path))
    assert (policy.email.sender, policy.email.mailbox) == ("care@example.az", LOCAL_MAILBOX)
