"""Size of the Lambda artifact that `chalice package` builds."""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path

from devstack.stack import ROOT
from infra.build import package, stage_sources


def measure() -> dict[str, float]:
    stage_sources(ROOT / "policies" / "default.json")
    with tempfile.TemporaryDirectory() as tmp:
        artifact = package(Path(tmp))
        with zipfile.ZipFile(artifact) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            files = len(archive.infolist())
        return {
            "zip_mb": artifact.stat().st_size / 1e6,
            "unpacked_mb": unpacked / 1e6,
            "files": files,
        }
