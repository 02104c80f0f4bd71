"""How the `plaint` command finds the local stack (`make run`) by itself: the stack writes
`stack.json` in its data directory while it runs (its AWS endpoint, region, checkpoint key
file and folder), and the command reads it when no AWS account is configured.

The data directory is `.plaint-local/` at the repository's root, as `make run` uses, or
PLAINT_LOCAL_DATA_DIR for a stack started with `--data-dir`.
"""

from __future__ import annotations

import json
import os
import shlex
import socket
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, ValidationError

DISCOVERY_FILE = "stack.json"
# The helpdesks' secrets `plaint connect` stores locally; the stack's functions read it
# (PLAINT_SECRETS_FILE, bootstrap/secrets.py). Only its owner may read it.
SECRETS_FILE = "secrets.json"
SECRETS_MODE = 0o600
DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / ".plaint-local"
DATA_DIR_VARIABLE = "PLAINT_LOCAL_DATA_DIR"
# The embedded AWS accepts any credentials; boto3 only needs some to sign with.
LOCAL_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local"}
REACH_SECONDS = 0.5


class LocalStack(BaseModel):
    """What a command needs to reach a running local stack."""

    model_config = ConfigDict(frozen=True)

    endpoint: str
    region: str
    key_file: str
    checkpoint_dir: str
    pid: int
    # Where `plaint connect` finds the webhook API and the fake helpdesks (None: none run).
    api_url: str | None = None
    zendesk_url: str | None = None
    jira_url: str | None = None

    def environment(self) -> dict[str, str]:
        """The variables a shell (or another tool) needs to use this stack."""
        return {
            "PLAINT_AWS_ENDPOINT_URL": self.endpoint,
            "AWS_DEFAULT_REGION": self.region,
            **LOCAL_CREDENTIALS,
            "PLAINT_CHECKPOINT_KEY_FILE": self.key_file,
            "PLAINT_CHECKPOINT_DIR": self.checkpoint_dir,
        }

    def export_line(self) -> str:
        """One line to paste into a shell, for tools that do not read stack.json."""
        pairs = " ".join(f"{k}={shlex.quote(v)}" for k, v in self.environment().items())
        return f"export {pairs}"


def data_dir() -> Path:
    return Path(os.environ.get(DATA_DIR_VARIABLE) or DEFAULT_DATA_DIR)


def kept_secrets(path: Path) -> dict[str, str]:
    """The secrets kept in `path` (nothing when it does not exist yet)."""
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    return {k: v for k, v in kept.items() if isinstance(v, str)} if isinstance(kept, dict) else {}


def keep_secrets(path: Path, values: dict[str, str]) -> None:
    """Write the secrets file whole, readable by its owner only from its first byte."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    partial.unlink(missing_ok=True)
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, SECRETS_MODE)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        json.dump(values, out, indent=2, sort_keys=True)
    partial.replace(path)


def announce(stack: LocalStack, folder: Path) -> Path:
    """Write the discovery file (replaced whole, so a reader never sees half of it)."""
    path = folder / DISCOVERY_FILE
    partial = path.with_suffix(".tmp")
    partial.write_text(stack.model_dump_json(indent=2), encoding="utf-8")
    partial.replace(path)
    return path


def withdraw(folder: Path, pid: int) -> None:
    """Remove the discovery file when it is this process's (another stack may have
    replaced it)."""
    path = folder / DISCOVERY_FILE
    found = _read(path)
    if found is not None and found.pid == pid:
        path.unlink(missing_ok=True)


def running(folder: Path | None = None) -> LocalStack | None:
    """The local stack named by the discovery file, when its endpoint answers: a file left
    by a stack that was killed names nothing."""
    found = _read((folder or data_dir()) / DISCOVERY_FILE)
    return found if found is not None and _reachable(found.endpoint) else None


def _read(path: Path) -> LocalStack | None:
    try:
        return LocalStack.model_validate_json(path.read_bytes())
    except (OSError, ValidationError):
        return None


def _reachable(endpoint: str) -> bool:
    parts = urlsplit(endpoint)
    if not parts.hostname or not parts.port:
        return False
    try:
        with socket.create_connection((parts.hostname, parts.port), timeout=REACH_SECONDS):
            return True
    except OSError:
        return False
