"""Use case: the survey answer page. A link opened (GET) or a form sent (POST) is read,
checked, recorded as a decision, and answered with a page in the complainant's language.
A refused link records nothing and gets a 4xx page saying why."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from plaint.auditlog.chain import with_facets
from plaint.model.complaint import Complaint
from plaint.policy.document import Policy
from plaint.surveys import answers, page
from plaint.surveys.invitation import LinkSigner
from plaint.surveys.links import (
    PAGE,
    LinkClaims,
    LinkProblem,
    LinkRefusedError,
    unverified_language,
    verify,
)
from plaint.surveys.wording import words
from plaint.usecases.ports import ComplaintStore
from plaint.usecases.retry import on_fresh_state

STATUS: Mapping[LinkProblem, int] = {
    LinkProblem.FORGED: 403,
    LinkProblem.OTHER_COMPLAINT: 403,
    LinkProblem.EXPIRED: 410,
    LinkProblem.ERASED: 410,
    LinkProblem.NOT_ASKED: 404,
    LinkProblem.REPLAYED: 409,
    LinkProblem.SCORE_OUT_OF_RANGE: 400,
    LinkProblem.UNKNOWN_QUESTION: 400,
    LinkProblem.COMMENT_TOO_LONG: 413,
    LinkProblem.UNREADABLE_FORM: 400,
}


@dataclass(frozen=True)
class SurveyPage:
    status: int
    html: str
    problem: LinkProblem | None = None


@dataclass
class SurveyAnswering:
    store: ComplaintStore
    policy: Policy
    links: LinkSigner
    clock: Callable[[], datetime]
    ledger: str = "main"

    def open(self, token: str) -> SurveyPage:
        """A link followed: a one-click link records its score, then shows the page."""
        try:
            claims = verify(token, self.links.secret, self.clock())
            if claims.one_click and claims.score is not None:
                self._record(token, claims, {claims.question: claims.score}, "")
            complaint = self.store.get_complaint(claims.complaint_id)
            survey = answers.checked(complaint, claims, self.policy)
        except LinkRefusedError as refused:
            return self._refused(token, refused)
        notice = words(claims.language)["recorded"] if claims.one_click else None
        return SurveyPage(200, self._form(claims, survey.answers, notice))

    def refuse(self, token: str, problem: LinkProblem) -> SurveyPage:
        """A request refused before it is read (a body too large, a form unreadable)."""
        return self._refused(token, LinkRefusedError(problem))

    def answer(self, token: str, form: Mapping[str, str]) -> SurveyPage:
        """The page's form sent: every score given and the comment, recorded together."""
        try:
            claims = verify(token, self.links.secret, self.clock())
            scores = _scores(form)
            self._record(token, claims, scores, form.get("comment", ""))
        except LinkRefusedError as refused:
            return self._refused(token, refused)
        return SurveyPage(200, page.thanks(claims.language))

    def _record(
        self, token: str, claims: LinkClaims, scores: Mapping[str, int], comment: str
    ) -> None:
        def attempt() -> None:
            complaint = self.store.get_complaint(claims.complaint_id)
            if complaint is None:
                raise LinkRefusedError(LinkProblem.OTHER_COMPLAINT, "no such complaint")
            decision = answers.answered(
                complaint, claims, token, scores=scores, comment=comment,
                policy=self.policy, now=self.clock(),
            )  # fmt: skip
            if decision is not None:
                self.store.commit(with_facets(decision, complaint, self.policy), self.ledger)

        on_fresh_state(attempt, claims.complaint_id)

    def _refused(self, token: str, refused: LinkRefusedError) -> SurveyPage:
        problem = refused.problem
        if problem is LinkProblem.REPLAYED:
            # The answer stands: show it, with the page to add the rest.
            claims = verify(token, self.links.secret, self.clock())
            complaint = self.store.get_complaint(claims.complaint_id)
            recorded = _answers(complaint)
            notice = words(claims.language)[problem]
            return SurveyPage(409, self._form(claims, recorded, notice), problem)
        language = unverified_language(token) or self.policy.default_language
        return SurveyPage(STATUS[problem], page.refusal(language, problem), problem)

    def _form(self, claims: LinkClaims, recorded: Mapping[str, int], notice: str | None) -> str:
        """The whole page, posting to the page's own link (a one-click link is used once)."""
        whole = claims.model_copy(update={"question": PAGE, "score": None})
        action = self.links.url(whole)
        return page.form(claims.language, self.policy.surveys, action, recorded, notice)


def _answers(complaint: Complaint | None) -> Mapping[str, int]:
    survey = complaint.survey if complaint else None
    return survey.answers if survey else {}


def _scores(form: Mapping[str, str]) -> dict[str, int]:
    """Each question's score as the form sent it; a score that is not a number is off the
    scale. Fields other than questions and the comment are refused as unknown questions."""
    scores: dict[str, int] = {}
    for name, value in form.items():
        if name == answers.COMMENT:
            continue
        text = value.strip()
        if not text.isascii() or not text.isdigit() or len(text) > 3:
            raise LinkRefusedError(LinkProblem.SCORE_OUT_OF_RANGE, name[:40])
        scores[name] = int(text)
    return scores
