"""The `plaint` command with neither an AWS account nor a local stack: one line saying what
to do, never a botocore traceback; and the discovery file the local stack leaves."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from bootstrap import local_stack
from console.main import main as plaint

EXPORTS = ("PLAINT_AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
           "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_REGION", "AWS_REGION")  # fmt: skip


@pytest.fixture
def bare_shell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in EXPORTS:  # set first, so the test's end restores each as it was
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("PLAINT_LOCAL_DATA_DIR", str(tmp_path))
    return tmp_path


@pytest.mark.parametrize(
    "command",
    [["audit", "query"], ["complaints", "search"], ["retention", "show", "zendesk:1"],
     ["policy", "history"]],
)  # fmt: skip
def test_without_aws_or_a_local_stack_the_command_says_so_in_one_line(
    bare_shell: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert plaint(command) == 2
    said = capsys.readouterr().out.splitlines()
    assert len(said) == 1 and said[0] == local_stack_message()


def local_stack_message() -> str:
    from console.opening import NOT_CONFIGURED

    return NOT_CONFIGURED


def test_a_discovery_file_left_by_a_stopped_stack_names_nothing(
    bare_shell: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as sock:  # a port nobody listens on once closed
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    left = local_stack.LocalStack(endpoint=f"http://127.0.0.1:{port}", region="eu-west-1",
                                  key_file="k", checkpoint_dir="c", pid=1)  # fmt: skip
    local_stack.announce(left, bare_shell)
    assert local_stack.running() is None
    assert plaint(["audit", "query"]) == 2
    assert "no local stack running" in capsys.readouterr().out


def test_a_running_stack_is_found_and_withdraws_only_its_own_file(bare_shell: Path) -> None:
    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        listening.listen()
        port = listening.getsockname()[1]
        mine = local_stack.LocalStack(endpoint=f"http://127.0.0.1:{port}", region="eu-west-1",
                                      key_file="k", checkpoint_dir="c", pid=4242)  # fmt: skip
        local_stack.announce(mine, bare_shell)
        assert local_stack.running() == mine
        local_stack.withdraw(bare_shell, pid=1)  # another stack's shutdown
        assert local_stack.running() == mine
        local_stack.withdraw(bare_shell, pid=4242)
        assert local_stack.running() is None
    assert mine.export_line().startswith(f"export PLAINT_AWS_ENDPOINT_URL=http://127.0.0.1:{port} ")
