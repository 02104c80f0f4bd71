"""Build the Lambda artifact: `python -m infra.build [OUT_DIR]`.

Chalice packages app.py, chalicelib/ and vendor/; Plaint's own packages are copied into
vendor/ and the policy into chalicelib/, then `chalice package` resolves the third-party
wheels for Lambda's platform and merges infra/resources.json into the template.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FUNCTIONS = ROOT / "functions"
PACKAGES = ("plaint", "connectors", "storage", "bootstrap")


def stage_sources(policy: Path) -> None:
    vendor = FUNCTIONS / "vendor"
    shutil.rmtree(vendor, ignore_errors=True)
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, vendor / package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
        )
    shutil.copyfile(policy, FUNCTIONS / "chalicelib" / "policy.json")


def package(out_dir: Path, stage: str = "dev") -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from chalice.cli import main; sys.exit(main())",
            "package",
            "--stage",
            stage,
            "--merge-template",
            str(ROOT / "infra" / "resources.json"),
            str(out_dir),
        ],
        cwd=FUNCTIONS,
        check=True,
        # Chalice wants a region to package; the template itself uses ${AWS::Region}.
        env={"AWS_DEFAULT_REGION": "eu-west-1"} | dict(os.environ),
    )
    return out_dir / "deployment.zip"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out_dir", nargs="?", default=str(ROOT / "build" / "lambda"))
    parser.add_argument("--policy", default=str(ROOT / "policies" / "default.json"))
    parser.add_argument("--stage", default="dev")
    args = parser.parse_args()
    stage_sources(Path(args.policy))
    artifact = package(Path(args.out_dir), args.stage)
    print(f"{artifact} ({artifact.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
