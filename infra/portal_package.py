"""Package the portal for Lambda with `zappa package`, offline: no AWS account, no credentials.

    python -m infra.portal_package [--outputs OUTPUTS.json] [--out build/portal]

1. The stage's settings: infra/zappa_settings.json, with the names that only the deployed
   stack knows (the checkpoint bucket, the checkpoint key, the deployment bucket) filled in
   from the CloudFormation stack's outputs (`aws cloudformation describe-stacks --query
   'Stacks[0].Outputs'` saved as JSON) or from PLAINT_* variables. Table names come from
   infra/resources.json, the template that creates them. Nothing is hard-coded.
2. A clean virtualenv with only the portal's runtime (`pip install .[portal]`, not
   editable) and zappa, so the package carries what the portal imports and no more.
3. `zappa package` in a folder that holds only the settings, with that virtualenv active and
   every AWS credential variable removed: packaging needs none (zappa skips credentials for
   `package`). boto3 and botocore are left out: Lambda's Python runtime provides them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from storage.tables import table_names

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = ROOT / "infra" / "zappa_settings.json"
STAGE = "portal"
# Output key of infra/resources.json -> the portal's environment variable.
FROM_OUTPUTS = {
    "CheckpointBucketName": "PLAINT_CHECKPOINT_BUCKET",
    "CheckpointKeyArn": "PLAINT_CHECKPOINT_KMS_KEY_ID",
}
DEPLOYMENT_BUCKET = "PLAINT_PORTAL_DEPLOYMENT_BUCKET"
PASSED_ON = ("PLAINT_COGNITO_", "PLAINT_PORTAL_TIME_ZONE", "PLAINT_LEDGER")
SECRETS = ("PLAINT_PORTAL_SECRET_KEY", "PLAINT_COGNITO_CLIENT_SECRET")
_CREDENTIALS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE")


class PackagingError(RuntimeError):
    """The settings lack a name the stack should give, or zappa failed."""


def read_outputs(path: Path | None) -> dict[str, str]:
    """OutputKey -> OutputValue, from describe-stacks' list or a plain mapping."""
    if path is None:
        return {}
    document: Any = json.loads(path.read_text("utf-8"))
    if isinstance(document, list):
        return {o["OutputKey"]: o["OutputValue"] for o in document}
    return {str(k): str(v) for k, v in document.items()}


def stage_settings(outputs: dict[str, str], environ: dict[str, str]) -> dict[str, Any]:
    settings: dict[str, Any] = json.loads(SETTINGS.read_text("utf-8"))
    stage = settings[STAGE]
    variables = stage.setdefault("environment_variables", {})
    tables = table_names()
    variables["PLAINT_STATE_TABLE"] = tables["StateTable"]
    variables["PLAINT_AUDIT_TABLE"] = tables["AuditTable"]
    for output, variable in FROM_OUTPUTS.items():
        value = outputs.get(output) or environ.get(variable)
        if value:
            variables[variable] = value
    missing = [v for v in FROM_OUTPUTS.values() if v not in variables]
    if missing:
        raise PackagingError(
            f"no {', '.join(missing)}: pass --outputs (the stack's outputs) or set them"
        )
    for name, value in environ.items():
        if name.startswith(PASSED_ON) and name not in SECRETS:
            variables[name] = value
    # Secrets are set on the function at deploy, never written into the package.
    secrets = {name: environ[name] for name in SECRETS if environ.get(name)}
    if secrets:
        stage["aws_environment_variables"] = secrets
    bucket = environ.get(DEPLOYMENT_BUCKET) or outputs.get("PortalDeploymentBucketName")
    if bucket:
        stage["s3_bucket"] = bucket  # only `zappa deploy|update` upload; `package` does not
    return settings


def _venv(folder: Path) -> Path:
    # setuptools builds in the source tree's build/lib and leaves there files removed from
    # the source since; start it clean so the package carries only what exists.
    shutil.rmtree(ROOT / "build" / "lib", ignore_errors=True)
    if not (folder / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    pip = [str(folder / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, f"{ROOT}[portal]", "zappa>=0.59"], check=True, cwd=folder.parent)
    return folder


def package(out: Path, outputs: dict[str, str], environ: dict[str, str]) -> Path:
    settings = stage_settings(outputs, environ)
    out.mkdir(parents=True, exist_ok=True)
    venv = _venv(out / "venv")
    work = out / "project"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    (work / "zappa_settings.json").write_text(json.dumps(settings, indent=2), "utf-8")
    artifact = out / "plaint-portal.zip"
    artifact.unlink(missing_ok=True)
    env = {k: v for k, v in environ.items() if k not in _CREDENTIALS}
    env |= {
        "VIRTUAL_ENV": str(venv),
        "PATH": f"{venv / 'bin'}{os.pathsep}{environ.get('PATH', '')}",
        "AWS_DEFAULT_REGION": settings[STAGE]["aws_region"],
    }
    done = subprocess.run(
        [str(venv / "bin" / "zappa"), "package", STAGE, "-o", str(artifact)],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0 or not artifact.exists():
        raise PackagingError(f"zappa package failed:\n{done.stdout}\n{done.stderr}")
    return artifact


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--outputs", type=Path, help="the CloudFormation stack's outputs, JSON")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "portal")
    args = parser.parse_args(argv)
    try:
        artifact = package(args.out, read_outputs(args.outputs), dict(os.environ))
    except PackagingError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"{artifact} ({artifact.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
