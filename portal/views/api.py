"""The read-only audit API, for auditors' tools and regulators.

GET /api/audit/entries         a page of entries: complaint, kind, category, jurisdiction,
                               clock_status, policy_version, since, until, limit, cursor
GET /api/audit/verify          verification of the whole log, one complaint or a range
GET /api/audit/checkpoints/<n> a checkpoint as kept in the write-once archive
GET /api/audit/public-key      the key checkpoints are signed with (PEM)

It has no route that writes.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request
from pydantic import ValidationError

from plaint.auditlog.query import AuditQuery
from plaint.vocabulary.errors import QueryInvalidError
from portal.views import sources, viewer
from portal.views.log_pages import run_verification

blueprint = Blueprint("api", __name__, url_prefix="/api/audit")

QUERY_FIELDS = (
    "complaint_id",
    "kind",
    "category",
    "jurisdiction",
    "clock_status",
    "policy_version",
    "since",
    "until",
    "limit",
    "cursor",
)


@blueprint.get("/entries")
def entries() -> Any:
    unknown = sorted(set(request.args) - set(QUERY_FIELDS))
    if unknown:
        return _bad(f"unknown parameter(s): {', '.join(unknown)}")
    arguments = {k: v for k, v in request.args.items() if k in QUERY_FIELDS}
    here = sources()
    try:
        query = AuditQuery(ledger=here.ledger, **arguments)
        page = here.log.query_audit(query, here.clock())
    except ValidationError as exc:
        first = exc.errors()[0]
        return _bad(f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}")
    except QueryInvalidError as exc:
        return _bad(str(exc))
    exclude = None if viewer().sees_personal else {"personal"}
    return {
        "entries": [e.model_dump(mode="json", exclude=exclude) for e in page.entries],
        "cursor": page.cursor,
        "items_read": page.items_read,
    }


@blueprint.get("/checkpoints/<int:number>")
def checkpoint(number: int) -> Any:
    here = sources()
    kept = here.archive.get(here.ledger, number) if here.archive else None
    if kept is None:
        return _missing(f"no checkpoint {number}")
    return kept.model_dump(mode="json")


@blueprint.get("/public-key")
def public_key() -> Any:
    signer = sources().signer
    if signer is None:
        return _missing("no checkpoint key configured")
    return Response(
        signer.public_key_pem(),
        mimetype="application/x-pem-file",
        headers={"X-Key-Id": signer.key_id},
    )


@blueprint.get("/verify")
def verification() -> Any:
    here = sources()
    if here.archive is None or here.signer is None:
        return _missing("no checkpoint archive or key configured")
    result = run_verification(complaint=request.args.get("complaint_id"))
    return result.model_dump(mode="json") | {"holds": result.holds}


def _bad(message: str) -> Any:
    return jsonify(error="bad_request", message=message), 400


def _missing(message: str) -> Any:
    return jsonify(error="not_found", message=message), 404
