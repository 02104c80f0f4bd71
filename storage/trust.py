"""Which key signs checkpoints and where they are kept, from configuration: a KMS key and an
S3 Object Lock bucket in the cloud, a key file and a directory on one machine."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import boto3

from plaint.auditlog.checkpoint import CheckpointSigner
from plaint.usecases.ports import CheckpointArchive
from storage.archive import DirectoryArchive, S3Archive
from storage.keys import KmsSigner

# Seven years: past the longest retention a complaint record needs under the packs.
DEFAULT_RETENTION = timedelta(days=7 * 366)


def checkpoint_signer(
    kms_key_id: str | None, key_file: str | None, endpoint_url: str | None = None
) -> CheckpointSigner | None:
    if kms_key_id:
        return KmsSigner(boto3.client("kms", endpoint_url=endpoint_url), kms_key_id)
    if key_file:
        # Imported here: the key file's cryptography is not in the Lambda artifact.
        from storage.key_file import LocalSigner  # noqa: PLC0415

        return LocalSigner(Path(key_file))
    return None


def checkpoint_archive(
    bucket: str | None,
    directory: str | None,
    endpoint_url: str | None = None,
    retain_for: timedelta = DEFAULT_RETENTION,
) -> CheckpointArchive | None:
    if bucket:
        client = boto3.client("s3", endpoint_url=endpoint_url)
        return S3Archive(client, bucket, retain_for=retain_for)
    if directory:
        return DirectoryArchive(Path(directory))
    return None
