"""ISO 10002 7.5 initial assessment: the admin's rules first, then the embedded recogniser,
then the policy's defaults.

For each attribute (is it a complaint, category, severity, regime) the first matching rule
that sets it decides; flags accumulate. What no rule decided the recogniser may decide
(rule id "recogniser"): whether it is a complaint, a possible complaint for an agent to
confirm, or not one; and, for a complaint or a possible one, the category that fits the
admin's descriptions best and the severity and flags its cues show. The recogniser never
takes a complaint away: when the policy's defaults say every ticket is a complaint, it
does not judge that. Parts nobody decided name the policy's defaults. Every part of the
result names what decided it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from plaint.intake.reading import read_ticket
from plaint.model.complaint import Assessment, Flag, RuleMatch, Severity
from plaint.model.events import SourceSystem, TicketEvent
from plaint.model.recognition import Band, Reading, ReadingOutcome
from plaint.policy.document import Condition, Policy, Rule
from plaint.vocabulary.language import normalise

DEFAULT_RULE = "defaults"
RECOGNISER_RULE = "recogniser"
# A possible complaint where no agent can be asked: the policy's setting decides.
WITHOUT_HELPDESK_RULE = "recognition.review.without_helpdesk"
POSSIBLE = "possible"

# Sources with a helpdesk whose agents can answer a review.
REVIEWABLE = frozenset({SourceSystem.ZENDESK, SourceSystem.JIRA})

# What the recogniser's cues mean in the record's terms, where they fit.
CUE_SEVERITY = {
    "severity.safety": Severity.CRITICAL,
    "severity.fraud": Severity.HIGH,
    "regulatory.legal_action": Severity.HIGH,
    "regulatory.ombudsman": Severity.HIGH,
}
CUE_FLAGS = (
    ("severity.safety", Flag.SAFETY),
    ("severity.fraud", Flag.REGULATORY),
    ("regulatory.", Flag.REGULATORY),
    ("vulnerability.", Flag.VULNERABILITY),
)


def _matches(condition: Condition, event: TicketEvent, text: str, language: str) -> bool:
    if condition.any_keywords and not any(
        normalise(keyword, language) in text for keyword in condition.any_keywords
    ):
        return False
    if condition.any_tags and not set(condition.any_tags) & set(event.tags):
        return False
    if condition.channels and event.channel not in condition.channels:
        return False
    return not (condition.languages and language not in condition.languages)


def matching_rules(event: TicketEvent, policy: Policy, language: str) -> Iterable[Rule]:
    text = normalise(f"{event.subject}\n{event.description}", language)
    return (rule for rule in policy.rules if _matches(rule.when, event, text, language))


def assess(event: TicketEvent, policy: Policy, language: str) -> Assessment:
    """Judge a ticket: the rules, the recogniser's reading of its words, the defaults."""
    return assessment_of(event, policy, language, read_ticket(event, policy))


@dataclass
class _Decided:
    is_complaint: RuleMatch | None = None
    category: RuleMatch | None = None
    severity: RuleMatch | None = None
    regime: RuleMatch | None = None
    flags: dict[Flag, RuleMatch] = field(default_factory=dict)
    review: bool = False


def assessment_of(
    event: TicketEvent, policy: Policy, language: str, reading: Reading | None
) -> Assessment:
    """The assessment from the rules, then `reading` (None: no recogniser), then defaults."""
    decided = _by_rules(event, policy, language)
    if reading is not None:
        _by_recogniser(decided, reading, event, policy)
    defaults = policy.defaults
    is_complaint = decided.is_complaint or RuleMatch(
        attribute="is_complaint", value=str(defaults.is_complaint).lower(), rule_id=DEFAULT_RULE
    )
    category = decided.category or RuleMatch(
        attribute="category", value=defaults.category, rule_id=DEFAULT_RULE
    )
    severity = decided.severity or RuleMatch(
        attribute="severity", value=defaults.severity, rule_id=DEFAULT_RULE
    )
    regime = decided.regime
    if regime is None and defaults.regime is not None:
        regime = RuleMatch(attribute="regime", value=defaults.regime, rule_id=DEFAULT_RULE)
    flags = decided.flags
    return Assessment(
        is_complaint=is_complaint.value == "true",
        review=decided.review,
        category=category.value,
        severity=Severity(severity.value),
        regime=regime.value if regime else None,
        flags=tuple(sorted(flags, key=list(Flag).index)),
        matches=(is_complaint, category, severity, *([regime] if regime else []), *flags.values()),
        recognition=reading,
    )


def _by_rules(event: TicketEvent, policy: Policy, language: str) -> _Decided:
    decided = _Decided()
    for rule in matching_rules(event, policy, language):
        outcome = rule.then
        if decided.is_complaint is None and outcome.is_complaint is not None:
            decided.is_complaint = RuleMatch(
                attribute="is_complaint", value=str(outcome.is_complaint).lower(), rule_id=rule.id
            )
        if decided.category is None and outcome.category is not None:
            decided.category = RuleMatch(
                attribute="category", value=outcome.category, rule_id=rule.id
            )
        if decided.severity is None and outcome.severity is not None:
            decided.severity = RuleMatch(
                attribute="severity", value=outcome.severity, rule_id=rule.id
            )
        if decided.regime is None and outcome.regime is not None:
            decided.regime = RuleMatch(attribute="regime", value=outcome.regime, rule_id=rule.id)
        for flag in outcome.flags:
            decided.flags.setdefault(flag, RuleMatch(attribute="flag", value=flag, rule_id=rule.id))
    return decided


def _by_recogniser(decided: _Decided, reading: Reading, event: TicketEvent, policy: Policy) -> None:
    """Fill in what the rules left open from the recogniser's reading."""
    if decided.is_complaint is None and not policy.defaults.is_complaint:
        decided.is_complaint, decided.review = _verdict(reading, event, policy)
    complaint_or_possible = decided.review or (
        decided.is_complaint is not None and decided.is_complaint.value == "true"
    )
    if not complaint_or_possible:
        return  # a category or signs of severity mean nothing in a ticket that is no complaint
    if (
        decided.category is None
        and reading.category is not None
        and reading.category_score >= policy.recognition.category_threshold
    ):
        decided.category = RuleMatch(
            attribute="category", value=reading.category, rule_id=RECOGNISER_RULE
        )
    cue_severity = max(
        (CUE_SEVERITY[cue] for cue in reading.cues if cue in CUE_SEVERITY),
        key=list(Severity).index,
        default=None,
    )
    if decided.severity is None and cue_severity is not None:
        decided.severity = RuleMatch(
            attribute="severity", value=cue_severity, rule_id=RECOGNISER_RULE
        )
    evidence = (*reading.severity_cues, *reading.regulatory_cues, *reading.vulnerability_cues)
    for cue in evidence:
        for prefix, flag in CUE_FLAGS:
            if cue.startswith(prefix):
                decided.flags.setdefault(
                    flag, RuleMatch(attribute="flag", value=flag, rule_id=RECOGNISER_RULE)
                )


def _verdict(reading: Reading, event: TicketEvent, policy: Policy) -> tuple[RuleMatch | None, bool]:
    """Complaint, possible complaint (review) or not, from the reading; (None, False) when
    the reading leaves it to the defaults (empty text, no words)."""
    review = reading.band is Band.POSSIBLE_COMPLAINT or (
        reading.band is None
        and (
            reading.outcome is ReadingOutcome.FAILED
            or (
                reading.outcome is ReadingOutcome.UNKNOWN_LANGUAGE
                and policy.recognition.unknown_language == "review"
            )
        )
    )
    if review:
        if event.source not in REVIEWABLE:
            without = policy.recognition.review.without_helpdesk == "complaint"
            return _match(str(without).lower(), WITHOUT_HELPDESK_RULE), False
        return _match(POSSIBLE, RECOGNISER_RULE), True
    if reading.band is Band.COMPLAINT:
        return _match("true", RECOGNISER_RULE), False
    if reading.band is Band.NOT_A_COMPLAINT:
        return _match("false", RECOGNISER_RULE), False
    return None, False


def _match(value: str, rule_id: str) -> RuleMatch:
    return RuleMatch(attribute="is_complaint", value=value, rule_id=rule_id)
