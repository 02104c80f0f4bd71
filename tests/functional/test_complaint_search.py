"""Complaint search and deliveries by day: one contract, both stores. The DynamoDB store is
also held to reading, through its indexes, only the items it returns."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from plaint.model.complaint import ClockStatus, Complaint, ComplaintStatus, Referral, ReferralStage
from plaint.model.decision import Decision
from plaint.model.events import Channel
from plaint.policy.loading import parse_policy
from plaint.reporting.search import ComplaintQuery
from plaint.usecases.search import reindex
from plaint.vocabulary.errors import QueryInvalidError
from storage import codec
from storage.dynamo_wire import wire
from storage.dynamodb import DynamoStore
from storage.memory import MemoryStore
from tests.factories import ROOT
from tests.store_fixtures import LEDGER, T0, ItemsRead, clock, complaint, delivery, draft

Store = MemoryStore | DynamoStore
UK = ROOT / "policies" / "uk-fca-disp.json"
DAY = timedelta(days=1)
MARCH = {"since": T0 - 2 * DAY, "until": T0 + 29 * DAY}  # T0 is 2025-03-03


def filed(store: Store, c: Complaint) -> Complaint:
    store.commit(Decision(complaint=c, audit=(draft(complaint_id=c.complaint_id),)), LEDGER)
    return c


def revised(store: Store, c: Complaint, **changes: Any) -> Complaint:
    new = c.revised(**changes)
    store.commit(Decision(complaint=new, expected_revision=c.revision, audit=()), LEDGER)
    return new


def received(n: int, days: float, **changes: Any) -> Complaint:
    return complaint(str(n), received_at=T0 + days * DAY, **changes)


def ids(store: Store, **conditions: Any) -> list[str]:
    page = store.search_complaints(ComplaintQuery(**(MARCH | conditions)), T0 + 60 * DAY)
    return [row.ticket_id for row in page.rows]


def test_a_period_lists_its_complaints_in_order_of_receipt(store: Store) -> None:
    filed(store, received(3, 5))
    filed(store, received(1, 0))
    filed(store, received(2, 2.5))
    filed(store, received(4, 40))  # April
    filed(store, received(5, -10))  # February
    filed(store, received(6, 1, status=ComplaintStatus.NOT_A_COMPLAINT))

    page = store.search_complaints(ComplaintQuery(**MARCH), T0 + 60 * DAY)

    assert [row.ticket_id for row in page.rows] == ["1", "2", "3"]
    assert (page.cursor, page.items_read) == (None, 3)
    first = page.rows[0]
    assert (first.complaint_id, first.category, first.channel) == ("zendesk:1", "billing", "email")
    assert first.received_at == T0 and first.status is ComplaintStatus.RECEIVED
    assert "cust-9" not in first.model_dump_json()  # no complainant in a row


def test_each_facet_finds_its_complaints(store: Store) -> None:
    filed(store, received(1, 0, regime="uk-disp", jurisdiction="GB", clocks=(clock(),)))
    filed(store, received(2, 1, regime="az-cbar", jurisdiction="AZ", channel=Channel.PHONE))
    other = received(3, 2).assessment.model_copy(update={"category": "service"})
    filed(store, received(3, 2, assessment=other, acknowledgement_overdue=True))

    assert ids(store, regime="uk-disp") == ["1"]
    assert ids(store, jurisdiction="AZ") == ["2"]
    assert ids(store, channel="phone") == ["2"]
    assert ids(store, category="service") == ["3"]
    assert ids(store, category="billing") == ["1", "2"]
    assert ids(store, clock_status="breached") == ["3"]
    assert ids(store, clock_status="running") == ["1", "2"]
    assert ids(store, late=True) == ["3"]
    assert ids(store, late=False) == ["1", "2"]
    assert ids(store, referred=True) == []


def test_facets_follow_each_decision(store: Store) -> None:
    c = filed(store, received(1, 0, regime="uk-disp", jurisdiction="GB", clocks=(clock(),)))
    assert ids(store, late=True) == [] and ids(store, clock_status="running") == ["1"]

    c = revised(store, c, clocks=(clock(ClockStatus.BREACHED),))
    assert ids(store, late=True) == ["1"] and ids(store, clock_status="breached") == ["1"]
    assert ids(store, clock_status="running") == []

    referral = Referral(referral_id="r-1", provider_id="fos", trigger="final_deadline_missed",
                        stage=ReferralStage.OFFERED, offered_at=T0 + DAY)  # fmt: skip
    c = revised(store, c, referrals=(referral,))
    assert ids(store, referred=True) == []  # offered is not referred
    moved = referral.model_copy(update={"stage": ReferralStage.REFERRED, "referred_at": T0})
    revised(store, c, referrals=(moved,))
    assert ids(store, referred=True) == ["1"] and ids(store, referred=False) == []


def test_further_conditions_are_read_after_the_index_and_counted(store: Store) -> None:
    for n in range(6):
        channel = Channel.PHONE if n % 3 == 0 else Channel.EMAIL
        filed(store, received(n, n, channel=channel, regime="uk-disp", clocks=(clock(),)))

    # No index holds category and channel together.
    query = ComplaintQuery(category="billing", channel="phone", **MARCH)
    page = store.search_complaints(query, T0 + 60 * DAY)

    assert [row.ticket_id for row in page.rows] == ["0", "3"]
    assert page.items_read == 6  # read by category; the channel applied after


def test_a_pair_of_facets_is_read_through_its_own_index(store: Store) -> None:
    service = received(0, 0).assessment.model_copy(update={"category": "service"})
    for n in range(12):
        breached = ClockStatus.BREACHED if n % 4 == 0 else ClockStatus.RUNNING
        extra: dict[str, Any] = {"regime": "uk-disp", "jurisdiction": "GB"} if n % 3 else {}
        extra |= {"assessment": service} if n % 2 else {}
        filed(store, received(n, n, clocks=(clock(breached),), channel=Channel.PHONE, **extra))
    filed(store, received(20, 20, clocks=(clock(ClockStatus.BREACHED),),
                          regime="az-cbar", jurisdiction="AZ"))  # fmt: skip

    def read(**conditions: Any) -> tuple[list[str], int]:
        page = store.search_complaints(ComplaintQuery(**(MARCH | conditions)), T0 + 60 * DAY)
        return [row.ticket_id for row in page.rows], page.items_read

    assert read(category="billing", clock_status="breached") == (["0", "4", "8", "20"], 4)
    assert read(jurisdiction="GB", late=True) == (["4", "8"], 2)
    assert read(regime="uk-disp", clock_status="running") == (
        ["1", "2", "5", "7", "10", "11"], 6)  # fmt: skip
    assert read(category="service", jurisdiction="GB") == (["1", "5", "7", "11"], 4)
    assert read(regime="uk-disp", channel="phone", late=True) == (["4", "8"], 2)
    # A third condition no pair holds is read after the pair's index.
    assert read(category="billing", late=True, channel="email") == (["20"], 4)


def test_pages_follow_the_cursor_and_read_only_what_they_return(store: Store) -> None:
    for n in range(7):
        filed(store, received(n, n * 5))  # into April: two month partitions
    seen, cursor, read = [], None, 0
    while True:
        query = ComplaintQuery(category="billing", limit=3, cursor=cursor, **MARCH)
        query = query.model_copy(update={"until": T0 + 40 * DAY})
        page = store.search_complaints(query, T0 + 60 * DAY)
        seen += [row.ticket_id for row in page.rows]
        read += page.items_read
        cursor = page.cursor
        if cursor is None:
            break
    assert seen == [str(n) for n in range(7)]
    assert read == 7


def test_a_cursor_only_continues_its_own_query(store: Store) -> None:
    for n in range(3):
        filed(store, received(n, n))
    page = store.search_complaints(ComplaintQuery(limit=1, **MARCH), T0 + 60 * DAY)
    assert page.cursor is not None

    other = ComplaintQuery(category="billing", limit=1, cursor=page.cursor, **MARCH)
    with pytest.raises(QueryInvalidError, match="another query"):
        store.search_complaints(other, T0 + 60 * DAY)
    with pytest.raises(QueryInvalidError, match="cursor"):
        store.search_complaints(ComplaintQuery(cursor="not-a-cursor", **MARCH), T0)


def test_searches_that_would_read_everything_are_refused(store: Store) -> None:
    ten_years = ComplaintQuery(since=T0 - 3700 * DAY, until=T0)
    with pytest.raises(QueryInvalidError, match="shorter"):
        store.search_complaints(ten_years, T0)
    with pytest.raises(ValidationError, match="until must be after since"):
        ComplaintQuery(since=T0, until=T0 - DAY)
    with pytest.raises(ValidationError):
        ComplaintQuery(clock_status="late-ish")
    with pytest.raises(ValidationError):
        ComplaintQuery(complainant="cust-9")  # type: ignore[call-arg]
    # Without a period: the last year up to now.
    filed(store, received(1, 0))
    assert [r.ticket_id for r in store.search_complaints(ComplaintQuery(), T0 + DAY).rows] == ["1"]


def test_dynamodb_reads_one_item_per_complaint_returned(dynamo_client: Any) -> None:
    store = DynamoStore(dynamo_client, clock=lambda: T0)
    for n in range(40):
        extra = {"regime": "uk-disp", "clocks": (clock(),)} if n % 4 == 0 else {}
        filed(store, received(n, n * 0.5, **extra))
    read = ItemsRead(dynamo_client)

    page = store.search_complaints(ComplaintQuery(regime="uk-disp", **MARCH), T0 + 60 * DAY)

    assert len(page.rows) == 10
    assert read.count == page.items_read == 10

    # Two facets of a pair: DynamoDB reads (ScannedCount) only the five shown.
    pair = ComplaintQuery(regime="uk-disp", clock_status="running", limit=5, **MARCH)
    page = store.search_complaints(pair, T0 + 60 * DAY)
    assert len(page.rows) == 5 and page.cursor is not None
    assert read.count - 10 == page.items_read == 5


# Deliveries by day


def test_deliveries_of_a_period_are_read_by_day(store: Store) -> None:
    keep = T0 + 7 * DAY
    for n in range(12):
        store.accept_delivery(delivery(f"d-{n}", received_at=T0 - n * 0.5 * DAY), keep)
    store.accept_delivery(delivery("gone", received_at=T0 - DAY), T0 - timedelta(seconds=1))

    found = list(store.deliveries_between(T0 - 3 * DAY, T0 - DAY / 2))

    assert sorted(d.delivery_id for d in found) == sorted(f"d-{n}" for n in range(2, 7))
    assert all(isinstance(d.received_at, datetime) for d in found)


def test_deliveries_are_read_through_their_index(dynamo_client: Any) -> None:
    store = DynamoStore(dynamo_client, clock=lambda: T0)
    for n in range(30):
        store.accept_delivery(delivery(f"d-{n}", received_at=T0 - n * DAY), T0 + 7 * DAY)
    read = ItemsRead(dynamo_client)

    found = list(store.deliveries_between(T0 - 4 * DAY, T0 + DAY))

    assert len(found) == 5 and read.count == 5


def test_records_written_before_search_are_brought_into_it(store: Store) -> None:
    old = received(1, 0, regime="uk-disp", clocks=(clock(),))
    filed(store, old)
    bare = {k: v for k, v in codec.complaint_item(old).items() if not k.startswith("s_")}
    bare.pop("row")
    if isinstance(store, MemoryStore):
        store._state[(bare["pk"], bare["sk"])] = bare
    else:
        store._client.put_item(TableName="plaint-state", Item=wire(bare))
    assert ids(store) == []

    assert reindex(store, parse_policy(UK.read_text("utf-8"))) == 1

    assert ids(store, jurisdiction="GB") == ["1"]
    stored = store.get_complaint("zendesk:1")
    assert stored is not None and stored.revision == old.revision
