"""ISO 10002 7.5 initial assessment, driven by the rules in the policy.

For each attribute (is it a complaint, category, severity, regime) the first matching rule that sets
it decides; flags accumulate. Every part of the result names the rule behind it, and parts
no rule decided name the policy's defaults.
"""

from __future__ import annotations

from collections.abc import Iterable

from plaint.model.complaint import Assessment, Flag, RuleMatch, Severity
from plaint.model.events import TicketEvent
from plaint.policy.document import Condition, Policy, Rule
from plaint.vocabulary.language import normalise

DEFAULT_RULE = "defaults"


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
    is_complaint: RuleMatch | None = None
    category: RuleMatch | None = None
    severity: RuleMatch | None = None
    regime: RuleMatch | None = None
    flags: dict[Flag, RuleMatch] = {}
    for rule in matching_rules(event, policy, language):
        outcome = rule.then
        if is_complaint is None and outcome.is_complaint is not None:
            is_complaint = RuleMatch(
                attribute="is_complaint", value=str(outcome.is_complaint).lower(), rule_id=rule.id
            )
        if category is None and outcome.category is not None:
            category = RuleMatch(attribute="category", value=outcome.category, rule_id=rule.id)
        if severity is None and outcome.severity is not None:
            severity = RuleMatch(attribute="severity", value=outcome.severity, rule_id=rule.id)
        if regime is None and outcome.regime is not None:
            regime = RuleMatch(attribute="regime", value=outcome.regime, rule_id=rule.id)
        for flag in outcome.flags:
            flags.setdefault(flag, RuleMatch(attribute="flag", value=flag, rule_id=rule.id))
    defaults = policy.defaults
    is_complaint = is_complaint or RuleMatch(
        attribute="is_complaint", value=str(defaults.is_complaint).lower(), rule_id=DEFAULT_RULE
    )
    category = category or RuleMatch(
        attribute="category", value=defaults.category, rule_id=DEFAULT_RULE
    )
    severity = severity or RuleMatch(
        attribute="severity", value=defaults.severity, rule_id=DEFAULT_RULE
    )
    if regime is None and defaults.regime is not None:
        regime = RuleMatch(attribute="regime", value=defaults.regime, rule_id=DEFAULT_RULE)
    return Assessment(
        is_complaint=is_complaint.value == "true",
        category=category.value,
        severity=Severity(severity.value),
        regime=regime.value if regime else None,
        flags=tuple(sorted(flags, key=list(Flag).index)),
        matches=(is_complaint, category, severity, *([regime] if regime else []), *flags.values()),
    )
