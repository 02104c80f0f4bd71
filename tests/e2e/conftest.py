"""What the end-to-end tests share: the local stack, started as a user starts it, in a
subprocess on free ports with its own data directory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from devstack.launcher import StackProcess


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[StackProcess]:
    local = StackProcess(tmp_path)
    local.start()
    yield local
    local.stop()
