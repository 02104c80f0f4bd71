"""The survey email: in the complainant's language, right to left for Arabic and Persian,
with one signed link per score of the overall question and one to the whole page."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime

from plaint.model.complaint import Complaint
from plaint.policy.surveys import Aspect, SurveyPolicy
from plaint.surveys.links import PAGE, LinkClaims, sign
from plaint.surveys.wording import direction, words


@dataclass(frozen=True)
class LinkSigner:
    """The secret links are signed with, and the public address of the answer page
    (`{base_url}/surveys/{token}`)."""

    secret: bytes
    base_url: str

    def url(self, claims: LinkClaims) -> str:
        return f"{self.base_url.rstrip('/')}/surveys/{sign(claims, self.secret)}"


def invitation(
    complaint: Complaint,
    rules: SurveyPolicy,
    links: LinkSigner,
    link_id: str,
    expires_at: datetime,
    *,
    reminder: bool,
) -> tuple[str, str, str]:
    """The subject, the plain text and the HTML of the survey email."""
    language = complaint.language
    said = words(language)
    overall = rules.question(Aspect.OVERALL)
    assert overall is not None  # the policy requires it
    question = overall.texts.get(language) or next(iter(overall.texts.values()))

    def url(question: str, score: int | None) -> str:
        claims = LinkClaims(
            complaint_id=complaint.complaint_id, question=question, score=score,
            expires_at=expires_at, link_id=link_id, language=language,
        )  # fmt: skip
        return links.url(claims)

    scores = [(score, url(Aspect.OVERALL.value, score)) for score in rules.scale.scores]
    page = url(PAGE, None)
    pick = said["pick"].format(lowest=rules.scale.lowest, highest=rules.scale.highest)
    subject = said["reminder_subject" if reminder else "subject"]
    text = "\n".join(
        [said["intro"], "", question, pick, *(f"{score}: {link}" for score, link in scores),
         "", f"{said['all_questions']}: {page}"]
    )  # fmt: skip
    dir_ = direction(language)
    e = html.escape
    buttons = " ".join(
        f'<a href="{e(link)}" style="padding:6px 12px;border:1px solid #555;'
        f'text-decoration:none">{score}</a>'
        for score, link in scores
    )
    body = (
        f'<!DOCTYPE html>\n<html lang="{e(language)}" dir="{dir_}">\n'
        f'<head><meta charset="utf-8"><title>{e(subject)}</title></head>\n'
        f'<body dir="{dir_}">\n<p>{e(said["intro"])}</p>\n'
        f"<p><strong>{e(question)}</strong><br>\n{e(pick)}</p>\n<p>{buttons}</p>\n"
        f'<p><a href="{e(page)}">{e(said["all_questions"])}</a></p>\n</body>\n</html>\n'
    )
    return subject, text, body
