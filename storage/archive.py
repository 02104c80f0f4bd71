"""Write-once storage for whole checkpoints (body, leaves, signature).

In the cloud: an S3 bucket with Object Lock in compliance mode, so not even the account's
root user can overwrite or delete a checkpoint before its retention ends; each put is
conditional (If-None-Match), and a reader takes the oldest version of a key should a newer
one ever appear. On one machine: a directory of files created exclusively and made
read-only.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from plaint.auditlog.checkpoint import Checkpoint
from plaint.vocabulary.errors import CheckpointExistsError

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

_NAME = re.compile(r"^(\d{12})\.json$")


def object_name(number: int) -> str:
    return f"{number:012d}.json"


def _number(name: str) -> int | None:
    match = _NAME.match(name)
    return int(match.group(1)) if match else None


class DirectoryArchive:
    def __init__(self, root: str | Path) -> None:
        self._root = Path(root)

    def put(self, checkpoint: Checkpoint) -> None:
        folder = self._root / checkpoint.body.ledger
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / object_name(checkpoint.number)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
        except FileExistsError as exc:
            raise CheckpointExistsError(str(path)) from exc
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(checkpoint.model_dump_json())

    def get(self, ledger: str, number: int) -> Checkpoint | None:
        path = self._root / ledger / object_name(number)
        if not path.exists():
            return None
        return Checkpoint.model_validate_json(path.read_text(encoding="utf-8"))

    def numbers(self, ledger: str) -> list[int]:
        folder = self._root / ledger
        if not folder.is_dir():
            return []
        found = (_number(path.name) for path in folder.iterdir())
        return sorted(n for n in found if n is not None)


class S3Archive:
    def __init__(
        self,
        client: S3Client,
        bucket: str,
        *,
        retain_for: timedelta,
        prefix: str = "checkpoints/",
    ) -> None:
        self._client = client
        self._bucket = bucket
        self._retain_for = retain_for
        self._prefix = prefix

    def _key(self, ledger: str, number: int) -> str:
        return f"{self._prefix}{ledger}/{object_name(number)}"

    def put(self, checkpoint: Checkpoint) -> None:
        retain_until = checkpoint.body.made_at + self._retain_for
        try:
            self._client.put_object(
                Bucket=self._bucket,
                Key=self._key(checkpoint.body.ledger, checkpoint.number),
                Body=checkpoint.model_dump_json().encode("utf-8"),
                ContentType="application/json",
                IfNoneMatch="*",
                ObjectLockMode="COMPLIANCE",
                ObjectLockRetainUntilDate=retain_until,
                ChecksumAlgorithm="SHA256",
            )
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code")
            if code in ("PreconditionFailed", "ConditionalRequestConflict"):
                raise CheckpointExistsError(f"checkpoint {checkpoint.number}") from exc
            raise

    def get(self, ledger: str, number: int) -> Checkpoint | None:
        key = self._key(ledger, number)
        listing = self._client.list_object_versions(Bucket=self._bucket, Prefix=key)
        versions = [v for v in listing.get("Versions", []) if v.get("Key") == key]
        if not versions:
            return None
        # The first version written is the one under lock; anything later is not ours.
        first = min(versions, key=lambda v: v["LastModified"])
        body = self._client.get_object(Bucket=self._bucket, Key=key, VersionId=first["VersionId"])
        return Checkpoint.model_validate_json(body["Body"].read())

    def numbers(self, ledger: str) -> list[int]:
        found: list[int] = []
        paginator = self._client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self._bucket, Prefix=f"{self._prefix}{ledger}/"):
            for item in page.get("Contents", []):
                number = _number(item["Key"].rsplit("/", 1)[-1])
                if number is not None:
                    found.append(number)
        return sorted(found)
