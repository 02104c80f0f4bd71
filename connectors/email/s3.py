"""Reading a received message that SES stored in S3 (the S3 receipt action)."""

from __future__ import annotations

from typing import Any, Final

from botocore.exceptions import BotoCoreError, ClientError

from connectors.errors import PayloadInvalidError
from plaint.vocabulary.errors import StoreUnavailableError

# SES accepts messages up to 40 MB; a complaint with more than this is attachments, which
# Plaint records as metadata only, and reading it would hold up the webhook's answer.
MAX_RAW_EMAIL_BYTES: Final = 10 * 1024 * 1024
_MISSING: Final = frozenset({"NoSuchKey", "NoSuchBucket", "404", "AccessDenied", "403"})


def fetch_raw_email(
    client: Any, bucket: str, key: str, max_bytes: int = MAX_RAW_EMAIL_BYTES
) -> bytes:
    """The raw message at s3://bucket/key. PayloadInvalidError when it is missing or over
    `max_bytes`; StoreUnavailableError when S3 could not answer (worth a retry)."""
    try:
        size = int(client.head_object(Bucket=bucket, Key=key)["ContentLength"])
        if size > max_bytes:
            raise PayloadInvalidError(f"s3://{bucket}/{key}: {size} bytes, over {max_bytes}")
        raw: bytes = client.get_object(Bucket=bucket, Key=key)["Body"].read(max_bytes + 1)
    except ClientError as exc:
        code = str(exc.response.get("Error", {}).get("Code", ""))
        if code in _MISSING:
            raise PayloadInvalidError(f"s3://{bucket}/{key}: {code}") from exc
        raise StoreUnavailableError(f"s3://{bucket}/{key}: {code}") from exc
    except BotoCoreError as exc:
        raise StoreUnavailableError(f"s3://{bucket}/{key}: {exc}") from exc
    if len(raw) > max_bytes:
        raise PayloadInvalidError(f"s3://{bucket}/{key}: over {max_bytes} bytes")
    return raw
