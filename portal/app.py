"""The read-only audit API, for auditors and regulators.

GET /api/audit/entries         a page of entries: complaint, kind, category, jurisdiction,
                               clock_status, policy_version, since, until, limit, cursor
GET /api/audit/verify          verification of the whole log, one complaint or a range
GET /api/audit/checkpoints/<n> a checkpoint as kept in the write-once archive
GET /api/audit/public-key      the key checkpoints are signed with (PEM)

It is separate from the webhook path: its own deployment, its own credentials (IAM in the
cloud, a bearer token on one machine) and its own role, which may read the audit table and
the archive and write nothing. It has no route that writes.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Flask, Response, jsonify, request
from pydantic import ValidationError

from bootstrap.root import Root
from plaint.auditlog.checkpoint import CheckpointSigner
from plaint.auditlog.query import AuditQuery
from plaint.auditlog.verify import Verification
from plaint.usecases.ports import AuditLog, CheckpointArchive
from plaint.usecases.verification import Asked, verify_log
from plaint.vocabulary.errors import QueryInvalidError
from portal.settings import AuditorAuth, PortalSettings

QUERY_FIELDS = (
    "complaint_id", "kind", "category", "jurisdiction", "clock_status", "policy_version",
    "since", "until", "limit", "cursor",
)  # fmt: skip


@dataclass
class AuditSources:
    log: AuditLog
    archive: CheckpointArchive | None
    signer: CheckpointSigner | None
    ledger: str
    clock: Callable[[], datetime]


def create_app(settings: PortalSettings, sources: AuditSources) -> Flask:
    app = Flask("plaint-portal")
    app.json.ensure_ascii = False  # type: ignore[attr-defined]

    @app.before_request
    def _authorised() -> Response | None:
        if settings.auditor_auth is AuditorAuth.IAM:
            return None  # API Gateway has checked the caller's IAM signature
        if _token_ok(request.headers.get("Authorization", ""), settings.auditor_token_hashes):
            return None
        answer = jsonify(error="unauthorised", message="an auditor's bearer token is required")
        answer.status_code = 401
        answer.headers["WWW-Authenticate"] = 'Bearer realm="plaint-audit"'
        return answer

    @app.get("/api/audit/entries")
    def entries() -> Any:
        arguments = {k: v for k, v in request.args.items() if k in QUERY_FIELDS}
        unknown = sorted(set(request.args) - set(QUERY_FIELDS))
        if unknown:
            return _bad(f"unknown parameter(s): {', '.join(unknown)}")
        try:
            query = AuditQuery(ledger=sources.ledger, **arguments)
            page = sources.log.query_audit(query, sources.clock())
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            return _bad(f"{where}: {first['msg']}")
        except QueryInvalidError as exc:
            return _bad(str(exc))
        return {
            "entries": [e.model_dump(mode="json", exclude={"personal"}) for e in page.entries],
            "cursor": page.cursor,
            "items_read": page.items_read,
        }

    @app.get("/api/audit/checkpoints/<int:number>")
    def checkpoint(number: int) -> Any:
        kept = sources.archive.get(sources.ledger, number) if sources.archive else None
        if kept is None:
            return _missing(f"no checkpoint {number}")
        return kept.model_dump(mode="json")

    @app.get("/api/audit/public-key")
    def public_key() -> Any:
        if sources.signer is None:
            return _missing("no checkpoint key configured")
        pem = sources.signer.public_key_pem()
        return Response(pem, mimetype="application/x-pem-file",
                        headers={"X-Key-Id": sources.signer.key_id})  # fmt: skip

    @app.get("/api/audit/verify")
    def verification() -> Any:
        if sources.archive is None or sources.signer is None:
            return _missing("no checkpoint archive or key configured")
        complaint = request.args.get("complaint_id")
        result = _verify(sources, complaint)
        return result.model_dump(mode="json") | {"holds": result.holds}

    return app


def _verify(sources: AuditSources, complaint: str | None) -> Verification:
    assert sources.archive is not None and sources.signer is not None
    keys = {sources.signer.key_id: sources.signer.public_key_pem()}
    asked = Asked(ledger=sources.ledger, now=sources.clock(), complaint_id=complaint)
    return verify_log(sources.log, sources.archive, keys, asked)


def _token_ok(header: str, hashes: tuple[str, ...]) -> bool:
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return False
    presented = hashlib.sha256(token.strip().encode("utf-8")).hexdigest()
    # Compare with every hash, so the time taken says nothing about which one matched.
    matches = [hmac.compare_digest(presented, known) for known in hashes]
    return any(matches)


def _bad(message: str) -> Any:
    return jsonify(error="bad_request", message=message), 400


def _missing(message: str) -> Any:
    return jsonify(error="not_found", message=message), 404


def build(settings: PortalSettings | None = None) -> Flask:
    settings = settings or PortalSettings()
    root = Root(settings)
    sources = AuditSources(
        log=root.store,
        archive=root.checkpoint_archive,
        signer=root.checkpoint_signer,
        ledger=root.settings.ledger,
        clock=root.clock,
    )
    return create_app(settings, sources)
