"""Signed survey links: compact, URL-safe tokens that bind a complaint, a question and, for
a one-click answer, its score, until an expiry.

A token is `<payload>.<tag>`: the payload is the unpadded base64url of a JSON array
`[1, complaint_id, question, score, expires, link_id, language]` and the tag the first 16
bytes of HMAC-SHA256 over the payload's text, base64url too. The tag is compared with the
token's own text, never re-encoded from decoded bytes, so no character of a token can
change without its tag failing.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from datetime import UTC, datetime
from enum import StrEnum

from plaint.vocabulary.base import AwareDatetime, Frozen
from plaint.vocabulary.errors import PlaintError

VERSION = 1
PAGE = "page"  # the question of a link to the whole page, with no score
_CONTEXT = b"plaint-survey-link/1\x00"
_TAG_BYTES = 16
# A ticket id is at most 128 characters, and one outside ASCII is written \uXXXX\uXXXX
# (12 characters) in the payload, a third longer again in base64url.
_MAX_TOKEN = 4096
_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


class LinkProblem(StrEnum):
    """Why a link or an answer is refused; each gets its own page and records nothing."""

    FORGED = "forged"  # not signed by us: tampered, truncated, made up
    EXPIRED = "expired"
    REPLAYED = "replayed"  # a one-click link already followed: the answer stands
    OTHER_COMPLAINT = "other_complaint"  # signed for another complaint or survey
    SCORE_OUT_OF_RANGE = "score_out_of_range"
    UNKNOWN_QUESTION = "unknown_question"
    COMMENT_TOO_LONG = "comment_too_long"
    UNREADABLE_FORM = "unreadable_form"  # not UTF-8, a field twice, too many fields
    ERASED = "erased"  # the complainant's data was erased or restricted
    NOT_ASKED = "not_asked"  # the complaint has no survey sent


class LinkRefusedError(PlaintError):
    def __init__(self, problem: LinkProblem, detail: str = "") -> None:
        super().__init__(f"{problem.value}: {detail}" if detail else problem.value)
        self.problem = problem


class LinkClaims(Frozen):
    complaint_id: str
    question: str  # an aspect, or PAGE
    score: int | None = None
    expires_at: AwareDatetime
    link_id: str  # the survey's own, so a link for another survey is told apart
    language: str

    @property
    def one_click(self) -> bool:
        return self.score is not None


def sign(claims: LinkClaims, secret: bytes) -> str:
    fields = [
        VERSION,
        claims.complaint_id,
        claims.question,
        claims.score,
        int(claims.expires_at.timestamp()),
        claims.link_id,
        claims.language,
    ]
    text = json.dumps(fields, separators=(",", ":"), ensure_ascii=True).encode("ascii")
    payload = _b64(text)
    return f"{payload}.{_tag(payload, secret)}"


def verify(token: str, secret: bytes, now: datetime) -> LinkClaims:
    """The claims of a token we signed that has not expired; LinkRefusedError otherwise."""
    payload, tag = _parts(token)
    if not hmac.compare_digest(tag, _tag(payload, secret)):
        raise LinkRefusedError(LinkProblem.FORGED, "signature does not match")
    claims = _claims(payload)
    if now >= claims.expires_at:
        raise LinkRefusedError(LinkProblem.EXPIRED, f"expired {claims.expires_at.isoformat()}")
    return claims


def replay_key(token: str) -> str:
    """What a followed one-click link is remembered by: its tag, unique per signed link."""
    return token.rpartition(".")[2]


def unverified_language(token: str) -> str | None:
    """The language a token claims, read without trusting it: only to word a refusal."""
    try:
        return _claims(_parts(token)[0]).language
    except LinkRefusedError:
        return None


def _parts(token: str) -> tuple[str, str]:
    if len(token) > _MAX_TOKEN or token.count(".") != 1:
        raise LinkRefusedError(LinkProblem.FORGED, "not a survey link")
    payload, tag = token.split(".")
    if not payload or not tag or not set(payload + tag) <= _ALPHABET:
        raise LinkRefusedError(LinkProblem.FORGED, "not a survey link")
    return payload, tag


def _claims(payload: str) -> LinkClaims:
    try:
        fields = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        version, complaint_id, question, score, expires, link_id, language = fields
        if version != VERSION or not all(
            isinstance(v, str) for v in (complaint_id, question, link_id, language)
        ):
            raise ValueError("unknown link version or fields")
        if score is not None and (not isinstance(score, int) or isinstance(score, bool)):
            raise ValueError("score is not a number")
        if not isinstance(expires, int) or isinstance(expires, bool):
            raise ValueError("expiry is not a number")
        return LinkClaims(
            complaint_id=complaint_id, question=question, score=score,
            expires_at=datetime.fromtimestamp(expires, UTC), link_id=link_id, language=language,
        )  # fmt: skip
    except (ValueError, TypeError, binascii.Error, OverflowError, OSError) as exc:
        raise LinkRefusedError(LinkProblem.FORGED, "unreadable link") from exc


def _tag(payload: str, secret: bytes) -> str:
    mac = hmac.new(secret, _CONTEXT + payload.encode("ascii"), hashlib.sha256)
    return _b64(mac.digest()[:_TAG_BYTES])


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")
