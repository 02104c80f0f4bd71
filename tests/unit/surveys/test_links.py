"""Signed survey links: what we sign verifies until it expires; any tampering is refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plaint.surveys.links import (
    LinkClaims,
    LinkProblem,
    LinkRefusedError,
    replay_key,
    sign,
    unverified_language,
    verify,
)

SECRET = b"k" * 32
NOW = datetime(2025, 3, 4, 10, 0, tzinfo=UTC)
CLAIMS = LinkClaims(
    complaint_id="zendesk:101", question="overall", score=5,
    expires_at=NOW + timedelta(days=30), link_id="67c6d1a0", language="az",
)  # fmt: skip
TOKEN = sign(CLAIMS, SECRET)

claims_strategy = st.builds(
    LinkClaims,
    complaint_id=st.text(min_size=1, max_size=60),
    question=st.sampled_from(["overall", "speed", "page"]),
    score=st.one_of(st.none(), st.integers(min_value=0, max_value=10)),
    expires_at=st.integers(min_value=1_800_000_000, max_value=4_000_000_000).map(
        lambda s: datetime.fromtimestamp(s, UTC)
    ),
    link_id=st.text(alphabet="0123456789abcdef", min_size=1, max_size=12),
    language=st.sampled_from(["az", "ar", "fa", "tr", "ru", "en"]),
)


def refused(token: str, now: datetime = NOW) -> LinkProblem:
    with pytest.raises(LinkRefusedError) as caught:
        verify(token, SECRET, now)
    return caught.value.problem


def test_a_signed_link_is_compact_url_safe_and_verifies() -> None:
    assert len(TOKEN) < 120
    assert all(c.isalnum() or c in "-_." for c in TOKEN)
    assert verify(TOKEN, SECRET, NOW) == CLAIMS


def test_an_expired_link_is_refused() -> None:
    assert refused(TOKEN, CLAIMS.expires_at) is LinkProblem.EXPIRED


def test_another_secret_does_not_verify() -> None:
    assert refused(sign(CLAIMS, b"x" * 32)) is LinkProblem.FORGED


def test_the_language_of_a_refused_link_is_read_only_to_word_the_refusal() -> None:
    assert unverified_language(TOKEN) == "az"
    assert unverified_language("garbage") is None


@settings(max_examples=300, deadline=None)
@given(claims_strategy)
def test_every_signed_link_verifies_to_its_claims(claims: LinkClaims) -> None:
    now = claims.expires_at - timedelta(seconds=1)
    expected = claims.model_copy(update={"expires_at": claims.expires_at.replace(microsecond=0)})
    assert verify(sign(claims, SECRET), SECRET, now) == expected


@settings(max_examples=500, deadline=None)
@given(st.data())
def test_any_character_changed_is_refused(data: st.DataObject) -> None:
    index = data.draw(st.integers(min_value=0, max_value=len(TOKEN) - 1))
    replacement = data.draw(
        st.sampled_from(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/%"
        ).filter(lambda c: c != TOKEN[index])
    )
    tampered = TOKEN[:index] + replacement + TOKEN[index + 1 :]
    assert refused(tampered) is LinkProblem.FORGED


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_any_byte_flipped_is_refused(data: st.DataObject) -> None:
    raw = bytearray(TOKEN.encode("ascii"))
    index = data.draw(st.integers(min_value=0, max_value=len(raw) - 1))
    bit = data.draw(st.integers(min_value=0, max_value=7))
    raw[index] ^= 1 << bit
    assert refused(raw.decode("latin-1")) is LinkProblem.FORGED


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=len(TOKEN) - 1))
def test_a_truncated_link_is_refused(length: int) -> None:
    assert refused(TOKEN[:length]) is LinkProblem.FORGED


@given(st.text(max_size=20))
def test_anything_appended_is_refused(tail: str) -> None:
    if tail:
        assert refused(TOKEN + tail) is LinkProblem.FORGED


@settings(max_examples=200, deadline=None)
@given(claims_strategy, claims_strategy)
def test_parts_swapped_between_two_links_are_refused(a: LinkClaims, b: LinkClaims) -> None:
    first, second = sign(a, SECRET), sign(b, SECRET)
    payload_a, tag_a = first.split(".")
    payload_b, tag_b = second.split(".")
    if payload_a != payload_b:
        assert refused(f"{payload_a}.{tag_b}") is LinkProblem.FORGED
        assert refused(f"{payload_b}.{tag_a}") is LinkProblem.FORGED
    assert refused(f"{tag_a}.{payload_a}") is LinkProblem.FORGED


@pytest.mark.parametrize(
    "change",
    [
        {"complaint_id": "zendesk:102"},
        {"question": "speed"},
        {"score": 4},
        {"score": 99},
        {"expires_at": NOW + timedelta(days=3000)},
        {"link_id": "0"},
    ],
)
def test_a_field_changed_under_the_same_signature_is_refused(change: dict[str, object]) -> None:
    payload = sign(CLAIMS.model_copy(update=change), SECRET).split(".")[0]
    assert refused(f"{payload}.{TOKEN.split('.')[1]}") is LinkProblem.FORGED


def test_each_link_has_its_own_replay_key() -> None:
    other = sign(CLAIMS.model_copy(update={"score": 4}), SECRET)
    assert replay_key(TOKEN) != replay_key(other)


def test_a_complaint_id_outside_ascii_still_signs_a_link_that_verifies() -> None:
    claims = CLAIMS.model_copy(update={"complaint_id": "zendesk:" + "\U00010000" * 128})
    now = claims.expires_at - timedelta(seconds=1)
    assert verify(sign(claims, SECRET), SECRET, now).complaint_id == claims.complaint_id
