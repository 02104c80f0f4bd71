"""Build the Lambda artifact: `python -m infra.build [OUT_DIR]`.

Chalice packages app.py, chalicelib/ and vendor/; Plaint's own packages are copied into
vendor/ and the policy into chalicelib/, then `chalice package` resolves the third-party
wheels for Lambda's platform and merges infra/resources.json into the template.
"""

from __future__ import annotations

import argparse
import compileall
import os
import py_compile
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import zipfile
from pathlib import Path

from plaint.policy.composition import compose_file

ROOT = Path(__file__).resolve().parent.parent
FUNCTIONS = ROOT / "functions"
PACKAGES = ("plaint", "connectors", "storage", "bootstrap")
# What Lambda's Python runtime ships besides the standard library: boto3 and its dependencies.
LAMBDA_RUNTIME_PACKAGES = (
    "boto3", "botocore", "s3transfer", "jmespath", "dateutil", "six.py", "urllib3",
)  # fmt: skip


def stage_sources(policy: Path) -> None:
    vendor = FUNCTIONS / "vendor"
    shutil.rmtree(vendor, ignore_errors=True)
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, vendor / package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
        )
    # The effective policy: a pack's bases are composed in, so the functions read one file.
    (FUNCTIONS / "chalicelib" / "policy.json").write_text(
        compose_file(policy).document(), encoding="utf-8"
    )


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
    artifact = out_dir / "deployment.zip"
    precompile(artifact)
    return artifact


# Of aws-lambda-powertools the functions use Logger and Metrics alone: its event handlers
# and other utilities (parsers, idempotency, data masking...) are 1.6 of its 1.9 MB zipped.
_POWERTOOLS_KEPT_UTILITIES = ("__init__.py", "jmespath_utils/")
# Pydantic's copy of its version 1 API (0.4 MB zipped): Plaint's models are version 2, and
# pydantic itself imports it only to warn about a version 1 model mixed in, which has none.
_PYDANTIC_V1 = "pydantic/v1/"
# python-rsa reads and writes key files with pyasn1 (0.24 MB zipped); the SNS check hands it
# the modulus and exponent asn1crypto read from the certificate, so it is never imported.
_PYASN1 = ("pyasn1/", "pyasn1-")


def _left_out(name: str) -> bool:
    """Entries the functions never read: bytecode the build machine left in chalicelib/
    (for whichever Python ran there), the holidays package's translations of holiday
    names (Plaint reads holiday dates only; the names stay in each country's language), and
    the parts of Powertools, pydantic and python-rsa's dependencies no function imports."""
    if name.startswith(("aws_lambda_powertools/event_handler/", _PYDANTIC_V1, *_PYASN1)):
        return True
    utilities = "aws_lambda_powertools/utilities/"
    if name.startswith(utilities) and not name.removeprefix(utilities).startswith(
        _POWERTOOLS_KEPT_UTILITIES
    ):
        return True
    return "__pycache__/" in name or (name.startswith("holidays/locale/") and name.endswith(".mo"))


def precompile(artifact: Path) -> None:
    """Add the bytecode of every module to the artifact. Lambda's /var/task is read-only,
    so without it each cold start compiles every module it imports again: about 0.4 s of
    CPU before a webhook can be recorded, and the holidays package's 250 country modules
    on the worker's first deadline (bench/import_time). Unchecked-hash bytecode is used as
    it is, whatever the files' times after unzipping."""
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp)
        with zipfile.ZipFile(artifact) as source:
            kept = [i for i in source.infolist() if not _left_out(i.filename)]
            contents = {info.filename: source.read(info) for info in kept}
        for name, data in contents.items():
            if name.endswith(".py"):
                (tree / name).parent.mkdir(parents=True, exist_ok=True)
                (tree / name).write_bytes(data)
        compileall.compile_dir(
            tree, quiet=2, stripdir=tmp, prependdir="/var/task", workers=1,
            invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
        )  # fmt: skip
        rebuilt = artifact.with_suffix(".rebuilt")
        with zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
            for info in kept:
                target.writestr(info, contents[info.filename])
            for compiled in sorted(tree.rglob("*.pyc")):
                entry = zipfile.ZipInfo(compiled.relative_to(tree).as_posix())
                entry.external_attr = 0o644 << 16
                target.writestr(entry, compiled.read_bytes(), zipfile.ZIP_DEFLATED)
        rebuilt.replace(artifact)


def lambda_runtime(folder: Path) -> Path:
    """A folder holding only what Lambda's Python runtime ships (linked from this
    environment), for running an unpacked package the way Lambda would."""
    site = Path(sysconfig.get_paths()["purelib"])
    folder.mkdir(parents=True, exist_ok=True)
    for name in LAMBDA_RUNTIME_PACKAGES:
        (folder / name).symlink_to(site / name)
    return folder


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
