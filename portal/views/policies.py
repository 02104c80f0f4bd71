"""The admin's policy pages: the history, drafting with every problem at its line, the
difference from the active policy, a what-if, and publication under the two-person rule."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, g, redirect, render_template, request, url_for

from plaint.policy.diff import policy_changes
from plaint.policy.document import Policy
from plaint.policy.loading import parse_policy
from plaint.vocabulary.errors import PolicyError, RevisionConflictError
from portal.errors import BadInputError, ForbiddenError, NotFoundError
from portal.publication import PolicyDesk, ProposalMissingError, TwoPersonRuleError
from portal.views import sources, viewer
from portal.whatif import WhatIfRunner

blueprint = Blueprint("policies", __name__, url_prefix="/admin")
VERSION = re.compile(r"^[0-9a-f]{64}$")
LINE = re.compile(r"\(line (\d+)\)|^line (\d+), column")
WHAT_IF_DAYS = (7, 30, 90, 365)


@dataclass(frozen=True)
class Checked:
    text: str
    policy: Policy | None
    problems: list[tuple[int | None, str]]
    changes: list[str] | None


@blueprint.get("/policies")
def history() -> Any:
    desk = _desk()
    active = sources().log.active_policy()
    policy = sources().policies.get(active[0]) if active else None
    return render_template(
        "policies.html",
        active=active,
        policy=policy,
        history=desk.history(),
        proposals=desk.proposals(),
    )


@blueprint.get("/policies/<version>")
def document(version: str) -> Any:
    text = sources().log.policy_document(_version(version))
    if text is None:
        text = _desk().proposal_document(version)
    if text is None:
        raise NotFoundError(f"no policy {version[:12]}")
    return render_template("policy_document.html", version=version, text=text)


@blueprint.get("/drafts")
def draft() -> Any:
    active = sources().log.active_policy()
    return render_template(
        "draft.html", checked=None, text=active[1] if active else "", days=WHAT_IF_DAYS
    )


@blueprint.post("/drafts")
def check() -> Any:
    checked = _check(_draft_text())
    return render_template("draft.html", checked=checked, text=checked.text, days=WHAT_IF_DAYS)


@blueprint.post("/drafts/propose")
def propose() -> Any:
    checked = _check(_draft_text())
    if checked.policy is None:
        return render_template(
            "draft.html", checked=checked, text=checked.text, days=WHAT_IF_DAYS
        ), 400
    proposal = _desk().propose(checked.text, viewer().name, g.now)
    return redirect(url_for("policies.proposal", version=proposal.version))


@blueprint.get("/proposals/<version>")
def proposal(version: str) -> Any:
    wanted = _version(version)
    waiting = {p.version: p for p in _desk().proposals()}
    text = _desk().proposal_document(wanted)
    if wanted not in waiting or text is None:
        raise NotFoundError(f"no proposal {version[:12]} awaits approval")
    checked = _check(text)
    own = waiting[wanted].proposed_by.casefold() == viewer().name.casefold()
    return render_template("proposal.html", proposal=waiting[wanted], checked=checked, own=own)


@blueprint.post("/proposals/<version>/approve")
def approve(version: str) -> Any:
    try:
        _desk().approve(_version(version), viewer().name, g.now)
    except TwoPersonRuleError as exc:
        raise ForbiddenError(str(exc)) from exc
    except ProposalMissingError as exc:
        raise NotFoundError(str(exc)) from exc
    except PolicyError as exc:
        raise BadInputError("the proposal no longer parses; it was not published") from exc
    except RevisionConflictError as exc:
        raise BadInputError("another publication moved the active policy; try again") from exc
    return redirect(url_for("policies.history"))


@blueprint.post("/what-if")
def start_what_if() -> Any:
    checked = _check(_draft_text())
    if checked.policy is None:
        return render_template(
            "draft.html", checked=checked, text=checked.text, days=WHAT_IF_DAYS
        ), 400
    days = request.form.get("days", type=int) or 30
    if days not in WHAT_IF_DAYS:
        raise BadInputError("days: one of the periods offered")
    job = _runner().start(checked.policy, viewer().name, days)
    return redirect(url_for("policies.what_if", job_id=job.job_id))


@blueprint.get("/what-if/<job_id>")
def what_if(job_id: str) -> Any:
    job = _runner().job(job_id)
    if job is None:
        raise NotFoundError("no such what-if (they are kept while the portal runs)")
    return render_template("what_if.html", job=job)


@blueprint.get("/what-if/<job_id>/progress")
def what_if_progress(job_id: str) -> Any:
    job = _runner().job(job_id)
    if job is None:
        raise NotFoundError("no such what-if")
    return {"done": job.done, "total": job.total, "finished": job.finished, "error": job.error}


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


def _desk() -> PolicyDesk:
    desk = sources().desk
    assert desk is not None
    return desk


def _runner() -> WhatIfRunner:
    runner = sources().what_if
    assert runner is not None
    return runner
