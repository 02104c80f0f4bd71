"""The compliance log's pages: its entries by facet, verification (whole log, a period, one
complaint), the chain of signed checkpoints, and the verifiable export as a download."""

from __future__ import annotations

import base64
import hashlib
import io
import tempfile
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, g, render_template, request
from pydantic import ValidationError

from plaint.auditlog import export as audit_export
from plaint.auditlog.query import AuditQuery
from plaint.auditlog.verify import Verification
from plaint.model.audit import AuditKind, ClockStanding
from plaint.usecases.verification import Asked, gather, verify_log
from plaint.vocabulary.errors import QueryInvalidError
from portal import i18n
from portal.errors import BadInputError, NotFoundError
from portal.views import forms, sources, viewer

blueprint = Blueprint("log", __name__)
CHECKPOINTS_SHOWN = 30
FINDINGS_SHOWN = 50
KINDS = frozenset(k.value for k in AuditKind)
STANDINGS = frozenset(s.value for s in ClockStanding)


@blueprint.get("/audit")
def entries() -> Any:
    here, shown = sources(), viewer()
    chosen = forms.period(request.args, shown.time_zone, _today(), default_days=7)
    try:
        query = AuditQuery(
            ledger=here.ledger,
            kind=forms.choice(request.args.get("kind"), KINDS, "kind"),
            category=forms.facet(request.args.get("category"), "category"),
            jurisdiction=forms.facet(request.args.get("jurisdiction"), "jurisdiction"),
            clock_status=forms.choice(request.args.get("clock_status"), STANDINGS, "clock status"),
            since=chosen.since,
            until=chosen.until,
            limit=50,
            cursor=request.args.get("cursor") or None,
        )
        page = here.log.query_audit(query, g.now)
    except (ValidationError, QueryInvalidError) as exc:
        raise BadInputError(_first_error(exc)) from exc
    return render_template(
        "audit.html",
        page=page,
        period=chosen,
        kinds=sorted(KINDS),
        standings=sorted(STANDINGS),
        args=request.args,
    )


def run_verification(
    complaint: str | None = None, since: datetime | None = None, until: datetime | None = None
) -> Verification:
    here = sources()
    if here.archive is None or here.signer is None:
        raise NotFoundError("no checkpoint archive or key is configured")
    keys = {here.signer.key_id: here.signer.public_key_pem()}
    asked = Asked(
        ledger=here.ledger, now=here.clock(), complaint_id=complaint, since=since, until=until
    )
    return verify_log(here.log, here.archive, keys, asked)


@blueprint.get("/verification")
def verification() -> Any:
    scope = request.args.get("scope", "")
    result, chosen = None, None
    if scope == "whole":
        result = run_verification()
    elif scope == "period":
        chosen = forms.period(request.args, viewer().time_zone, _today(), default_days=30)
        result = run_verification(since=chosen.since, until=chosen.until)
    elif scope == "complaint":
        result = run_verification(complaint=forms.complaint_id(request.args.get("complaint", "")))
    elif scope:
        raise BadInputError("scope: the whole log, a period or one complaint")
    findings = result.findings[:FINDINGS_SHOWN] if result else ()
    return render_template(
        "verification.html",
        result=result,
        findings=findings,
        scope=scope,
        period=chosen,
        args=request.args,
        trust=_trust(),
    )


@blueprint.get("/checkpoints")
def checkpoints() -> Any:
    here = sources()
    numbers = here.archive.numbers(here.ledger) if here.archive else []
    before = request.args.get("before", type=int)
    if before is not None:
        numbers = [n for n in numbers if n < before]
    newest = numbers[-CHECKPOINTS_SHOWN:][::-1]
    kept = [c for n in newest if here.archive and (c := here.archive.get(here.ledger, n))]
    older = newest[-1] if len(numbers) > CHECKPOINTS_SHOWN else None
    return render_template("checkpoints.html", checkpoints=kept, older=older, trust=_trust())


@blueprint.get("/exports")
def exports() -> Any:
    return render_template("exports.html", args=request.args)


@blueprint.get("/exports/bundle.zip")
def bundle() -> Any:
    here, shown = sources(), viewer()
    if here.archive is None:
        raise NotFoundError("no checkpoint archive is configured")
    scope = request.args.get("scope", "period")
    complaint, chosen = None, None
    if scope == "complaint":
        complaint = forms.complaint_id(request.args.get("complaint", ""))
    elif scope == "period":
        chosen = forms.period(request.args, shown.time_zone, _today(), default_days=30)
    elif scope != "whole":
        raise BadInputError("scope: the whole log, a period or one complaint")
    with_personal = request.args.get("personal") == "yes" and shown.sees_personal
    asked = Asked(
        ledger=here.ledger,
        now=g.now,
        complaint_id=complaint,
        since=chosen.since if chosen else None,
        until=chosen.until if chosen else None,
    )
    found = gather(here.log, here.archive, asked)
    keys = {here.signer.key_id: here.signer.public_key_pem()} if here.signer else {}
    manifest = audit_export.Manifest(
        ledger=here.ledger,
        exported_at=g.now,
        since=asked.since,
        until=asked.until,
        complaint_id=complaint,
        entries=len(found.entries),
        checkpoints=len(found.checkpoints),
        personal_withheld=not with_personal,
        covered_until=found.scope.covered_until
        or max((c.body.window_end for c in found.checkpoints), default=None),
    )
    archive = _zipped(manifest, found.entries, found.checkpoints, keys)
    name = f"plaint-export-{g.now:%Y%m%dT%H%M%SZ}.zip"
    return Response(
        archive,
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _zipped(
    manifest: audit_export.Manifest, entries: Any, checkpoints: Any, keys: dict[str, bytes]
) -> bytes:
    out = io.BytesIO()
    with tempfile.TemporaryDirectory() as folder:
        audit_export.write_export(Path(folder), manifest, entries, checkpoints, keys)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(Path(folder).iterdir()):
                archive.write(path, f"plaint-export/{path.name}")
    return out.getvalue()


def _trust() -> dict[str, Any]:
    here = sources()
    if here.signer is None:
        return {}
    pem = here.signer.public_key_pem()
    body = b"".join(line for line in pem.splitlines() if line and not line.startswith(b"-----"))
    digest = hashlib.sha256(base64.b64decode(body)).hexdigest()
    numbers = here.archive.numbers(here.ledger) if here.archive else []
    newest = here.archive.get(here.ledger, numbers[-1]) if here.archive and numbers else None
    return {
        "key_id": here.signer.key_id,
        "algorithm": here.signer.algorithm,
        "fingerprint": ":".join(digest[i : i + 2] for i in range(0, len(digest), 2)),
        "pem": pem.decode("ascii"),
        "newest": newest,
        "count": len(numbers),
    }


def _first_error(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        return f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
    return str(exc)


def _today() -> date:
    today: date = g.now.astimezone(i18n.zone(viewer().time_zone)).date()
    return today
