"""The admin's policy pages: the history, drafting with every problem at its line, the
difference from the active policy, a what-if, and publication under the two-person rule."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for

from plaint.policy.diff import policy_changes
from plaint.policy.document import Policy
from plaint.policy.loading import parse_policy
from plaint.usecases.publication import PolicyPublication
from plaint.usecases.what_if import WINDOW
from plaint.usecases.what_if_jobs import WhatIfJob
from plaint.vocabulary.errors import (
    PlaintError,
    PolicyError,
    ProposalNotFoundError,
    PublicationRefusedError,
    RevisionConflictError,
    TwoPersonRuleError,
)
from portal.errors import BadInputError, ForbiddenError, NotFoundError
from portal.views import sources, viewer
from portal.whatif import WhatIfDesk

blueprint = Blueprint("policies", __name__, url_prefix="/admin")
VERSION = re.compile(r"^[0-9a-f]{64}$")
LINE = re.compile(r"\(line (\d+)\)|^line (\d+), column")
RUN_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
JOB_ID = re.compile(r"^[0-9a-f]{32}$")
WHAT_IF_DAYS = tuple(range(1, WINDOW.days + 1))  # deliveries are remembered this long


@dataclass(frozen=True)
class Checked:
    text: str
    policy: Policy | None
    problems: list[tuple[int | None, str]]
    changes: list[str] | None


@blueprint.get("/policies")
def history() -> Any:
    desk = _publication()
    active = sources().policies.active()
    return render_template(
        "policies.html",
        active=active,
        policy=active[1] if active else None,
        history=desk.history(),
        publications=desk.publications(),
        proposals=desk.awaiting_approval(),
    )


@blueprint.get("/policies/<version>")
def document(version: str) -> Any:
    text = _publication().document(_version(version))
    if text is None:
        raise NotFoundError("no policy {version}", version=version[:12])
    return render_template("policy_document.html", version=version, text=text)


@blueprint.get("/drafts")
def draft() -> Any:
    published = sources().log.active_policy()
    packaged = sources().packaged
    text = published[1] if published else ""
    if not text and packaged is not None:
        text = packaged.model_dump_json(indent=2)
    return _draft_page(None, text)


@blueprint.post("/drafts")
def check() -> Any:
    checked = _check(_draft_text())
    return _draft_page(checked, checked.text)


@blueprint.post("/drafts/propose")
def propose() -> Any:
    checked = _check(_draft_text())
    if checked.policy is None:
        return _draft_page(checked, checked.text), 400
    try:
        record = _publication().propose(checked.text, viewer().name)
    except PublicationRefusedError as exc:
        raise BadInputError(str(exc)) from exc
    return redirect(url_for("policies.proposal", version=record.version))


@blueprint.get("/proposals/<version>")
def proposal(version: str) -> Any:
    wanted = _version(version)
    waiting = {r.version: r for r in _publication().awaiting_approval()}
    text = _publication().document(wanted)
    if wanted not in waiting or text is None:
        raise NotFoundError("no proposal {version} awaits approval", version=version[:12])
    checked = _check(text)
    proposal = waiting[wanted].proposal
    own = proposal.by.casefold() == viewer().name.casefold()
    return render_template(
        "proposal.html", record=waiting[wanted], proposal=proposal, checked=checked, own=own
    )


@blueprint.post("/proposals/<version>/approve")
def approve(version: str) -> Any:
    try:
        _publication().approve(_version(version), viewer().name)
    except TwoPersonRuleError as exc:
        raise ForbiddenError(str(exc)) from exc
    except ProposalNotFoundError as exc:
        raise NotFoundError(str(exc)) from exc
    except PublicationRefusedError as exc:
        raise BadInputError(str(exc)) from exc
    except PolicyError as exc:
        raise BadInputError("the proposal no longer parses; it was not published") from exc
    except RevisionConflictError as exc:
        raise BadInputError("another publication moved the active policy; try again") from exc
    return redirect(url_for("policies.history"))


@blueprint.post("/proposals/<version>/withdraw")
def withdraw(version: str) -> Any:
    """The proposer, or any admin (every viewer of these pages is one), takes a proposal
    back before it is approved; recorded as `policy.withdrawn`, shown in the history."""
    reason = request.form.get("reason", "")
    try:
        _publication().withdraw(_version(version), viewer().name, admin=viewer().is_admin,
                                reason=reason)  # fmt: skip
    except ProposalNotFoundError as exc:
        raise NotFoundError(str(exc)) from exc
    except PublicationRefusedError as exc:
        raise BadInputError(str(exc)) from exc
    except RevisionConflictError as exc:
        raise BadInputError("the proposal changed meanwhile; look again") from exc
    return redirect(url_for("policies.history"))


@blueprint.post("/what-if")
def start_what_if() -> Any:
    checked = _check(_draft_text())
    if checked.policy is None:
        return _draft_page(checked, checked.text), 400
    days = request.form.get("days", type=int) or WINDOW.days
    if days not in WHAT_IF_DAYS:
        raise BadInputError("days: one of the periods offered")
    token = request.form.get("run", "")
    if not RUN_TOKEN.match(token):
        raise BadInputError("the form was altered: reload the draft page and try again")
    try:
        job = _desk().start(checked.text, viewer().name, days, token)
    except PlaintError as exc:
        raise BadInputError(str(exc)) from exc
    return redirect(url_for("policies.what_if", job_id=job.job_id))


@blueprint.get("/what-if/<job_id>")
def what_if(job_id: str) -> Any:
    job = _job(job_id)
    report = _desk().report(job.job_id) if job.finished else None
    return render_template("what_if.html", job=job, report=report)


@blueprint.get("/what-if/<job_id>/progress")
def what_if_progress(job_id: str) -> Any:
    job = _job(job_id)
    return {"state": job.state.value, "done": job.done, "total": job.total,
            "finished": job.finished, "error": job.error}  # fmt: skip


def _job(job_id: str) -> WhatIfJob:
    if not JOB_ID.match(job_id):
        raise NotFoundError("no such what-if")
    job = _desk().job(job_id)
    if job is None:
        raise NotFoundError("no such what-if (they are kept a week)")
    return job


def _check(text: str) -> Checked:
    try:
        policy = parse_policy(text)
    except PolicyError as exc:
        return Checked(text, None, [(_line(p), p) for p in exc.problems], None)
    active = sources().policies.active()
    current = active[1] if active else None
    changes = policy_changes(current, policy) if current else None
    return Checked(text, policy, [], changes)


def _line(problem: str) -> int | None:
    found = LINE.search(problem)
    if not found:
        return None
    return int(found.group(1) or found.group(2))


def _draft_text() -> str:
    upload = request.files.get("file")
    raw = upload.read() if upload and upload.filename else request.form.get("text", "").encode()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInputError("the draft is not UTF-8 text") from exc
    if not text.strip():
        raise BadInputError("the draft is empty: paste a policy or upload its file")
    return text


def _version(raw: str) -> str:
    if not VERSION.match(raw):
        raise NotFoundError("a policy version is 64 hexadecimal characters")
    return raw


def _publication() -> PolicyPublication:
    return sources().publication


def _desk() -> WhatIfDesk:
    desk = sources().what_if
    if desk is None:
        raise BadInputError("what-ifs are not configured here (no job table or queue)")
    return desk


def _draft_page(checked: Checked | None, text: str) -> str:
    """The draft page: the text, what checking it found, and a fresh what-if run id."""
    return render_template(
        "draft.html", checked=checked, text=text, days=WHAT_IF_DAYS, run=secrets.token_urlsafe(16)
    )
