"""One contract, two stores: MemoryStore and DynamoStore (on moto, tables from infra/)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from plaint.auditlog.chain import GENESIS_HASH, chain_of
from plaint.model.actions import ActionStatus
from plaint.model.complaint import ComplaintStatus
from plaint.model.decision import Decision
from plaint.model.events import Delivery, DeliveryStatus
from plaint.vocabulary.errors import (
    ChainConflictError,
    DuplicateDeliveryError,
    RevisionConflictError,
    StoreUnavailableError,
)
from storage.dynamodb import DynamoStore
from storage.memory import MemoryStore
from storage.tables import TEMPLATE, create_tables, table_names
from tests.store_fixtures import (
    CHAIN,
    LEDGER,
    T0,
    ItemsRead,
    action,
    action_update,
    at,
    chain_holds,
    complaint,
    delivery,
    draft,
    new_complaint_decision,
    ticket_event,
)

Store = MemoryStore | DynamoStore
REGION = "eu-west-1"


def snapshot(store: Store, *, complaint_ids: tuple[str, ...] = (), action_ids=(), keys=()):
    """Everything a failed commit must leave untouched."""
    return (
        store.chain_head(CHAIN),
        tuple(store.audit_entries(CHAIN, limit=1000)),
        tuple(store.get_complaint(c) for c in complaint_ids),
        tuple(store.get_action(a) for a in action_ids),
        tuple(store.get_delivery(k) for k in keys),
    )


# Deliveries


def test_accepted_delivery_reads_back_and_waits_unprocessed(store: Store) -> None:
    d = delivery("d-1")
    store.accept_delivery(d, keep_until=T0 + timedelta(hours=76))

    assert store.get_delivery(d.key) == d
    assert store.get_delivery("zendesk:unknown") is None
    assert store.unprocessed_deliveries(older_than=at(1), limit=10) == [d]


def test_duplicate_delivery_raises_and_changes_nothing(store: Store) -> None:
    first = delivery("d-1")
    store.accept_delivery(first, keep_until=T0 + timedelta(hours=76))
    retry = delivery("d-1", received_at=at(5))

    with pytest.raises(DuplicateDeliveryError):
        store.accept_delivery(retry, keep_until=at(5) + timedelta(hours=76))

    assert store.get_delivery(first.key) == first
    assert store.unprocessed_deliveries(older_than=at(60), limit=10) == [first]


def test_a_known_signature_under_a_new_delivery_id_is_a_duplicate(store: Store) -> None:
    def signed(delivery_id: str, digest: str) -> Delivery:
        event = ticket_event(delivery_id=delivery_id, signed_digest=digest)
        return delivery(delivery_id).model_copy(update={"event": event})

    first = signed("d-1", "sig-a")
    store.accept_delivery(first, keep_until=T0 + timedelta(hours=76))
    with pytest.raises(DuplicateDeliveryError):
        store.accept_delivery(signed("d-2", "sig-a"), keep_until=T0 + timedelta(hours=76))
    with pytest.raises(DuplicateDeliveryError):  # a retry signed afresh: the id says so
        store.accept_delivery(signed("d-1", "sig-b"), keep_until=T0 + timedelta(hours=76))
    assert store.get_delivery("zendesk:d-2") is None
    store.accept_delivery(signed("d-3", "sig-c"), keep_until=T0 + timedelta(hours=76))
    assert store.unprocessed_deliveries(older_than=at(60), limit=10) == [
        first,
        signed("d-3", "sig-c"),
    ]


def test_keep_until_is_stored_as_the_ttl(store: Store, request: pytest.FixtureRequest) -> None:
    d = delivery("d-1", received_at=T0.replace(microsecond=250_000))
    store.accept_delivery(d, keep_until=d.received_at + timedelta(hours=76))

    expires_at = stored_expiry(store, request, d.key)
    assert expires_at >= (d.received_at + timedelta(hours=76)).timestamp()
    assert expires_at - d.received_at.timestamp() < 76 * 3600 + 1


def stored_expiry(store: Store, request: pytest.FixtureRequest, key: str) -> int:
    if isinstance(store, MemoryStore):
        expiry = store.expires_at(key)
        assert expiry is not None
        return expiry
    raw = request.getfixturevalue("dynamo_client").get_item(
        TableName="plaint-state",
        Key={"pk": {"S": f"DELIVERY#{key}"}, "sk": {"S": "DELIVERY"}},
    )["Item"]
    return int(raw["expires_at"]["N"])


def test_unprocessed_deliveries_lists_only_accepted_older_ones(store: Store) -> None:
    for i, minutes in enumerate((20, 0, 10, 30)):
        store.accept_delivery(delivery(f"d-{i}", received_at=at(minutes)), T0 + timedelta(days=4))
    store.commit(Decision(complaint=None, audit=()), LEDGER, delivery_key="zendesk:d-1")
    store.commit(new_complaint_decision(complaint()), LEDGER, delivery_key="zendesk:d-2")

    waiting = store.unprocessed_deliveries(older_than=at(30), limit=10)

    # d-3 arrived exactly at the bound: "older than" is strict.
    assert [d.delivery_id for d in waiting] == ["d-0"]
    assert [d.delivery_id for d in store.unprocessed_deliveries(at(31), 10)] == ["d-0", "d-3"]
    assert [d.delivery_id for d in store.unprocessed_deliveries(at(31), 1)] == ["d-0"]


def test_requeueing_a_delivery_moves_it_out_of_the_window_once(store: Store) -> None:
    d = delivery("d-1")  # queued by its webhook at T0
    store.accept_delivery(d, keep_until=T0 + timedelta(days=4))

    assert not store.requeue_delivery(d.key, queued_before=at(0), now=at(5))
    assert store.requeue_delivery(d.key, queued_before=at(1), now=at(5))
    # A second sweep reading the same delivery meanwhile leaves it alone.
    assert not store.requeue_delivery(d.key, queued_before=at(1), now=at(5))

    assert store.unprocessed_deliveries(older_than=at(5), limit=10) == []
    assert store.unprocessed_deliveries(older_than=at(6), limit=10) == [d]
    assert store.get_delivery(d.key) == d
    store.commit(Decision(complaint=None, audit=()), LEDGER, delivery_key=d.key)
    assert not store.requeue_delivery(d.key, queued_before=at(60), now=at(60))
    assert not store.requeue_delivery("zendesk:unknown", queued_before=at(60), now=at(60))


# Commit


def test_commit_writes_state_chain_actions_and_delivery_together(store: Store) -> None:
    d = delivery("d-1")
    store.accept_delivery(d, keep_until=T0 + timedelta(hours=76))
    c, a = complaint(), action("a-1")

    entries = store.commit(new_complaint_decision(c, a), LEDGER, delivery_key=d.key)

    assert [e.seq for e in entries] == [1, 2]
    assert entries[0].prev_hash == GENESIS_HASH
    assert store.get_complaint(c.complaint_id) == c
    assert store.get_action(a.action_id) == a
    assert store.audit_entries(CHAIN) == list(entries)
    assert store.audit_entries(CHAIN)[0].detail["big"] == 2**53 + 1
    assert chain_holds(store.audit_entries(CHAIN))
    head = store.chain_head(CHAIN)
    assert (head.seq, head.hash) == (2, entries[-1].hash)
    processed = store.get_delivery(d.key)
    assert processed is not None
    assert (processed.status, processed.outcome) == (DeliveryStatus.PROCESSED, "decided")
    assert store.unprocessed_deliveries(older_than=at(60), limit=10) == []


def test_second_creation_conflicts_and_writes_nothing(store: Store) -> None:
    store.commit(new_complaint_decision(complaint(), action("a-1")), LEDGER)
    store.accept_delivery(delivery("d-2"), keep_until=T0 + timedelta(hours=76))
    before = snapshot(
        store, complaint_ids=("zendesk:101",), action_ids=("a-1", "a-2"), keys=("zendesk:d-2",)
    )
    again = new_complaint_decision(complaint(subject="Other"), action("a-2"))

    with pytest.raises(RevisionConflictError):
        store.commit(again, LEDGER, delivery_key="zendesk:d-2")

    after = snapshot(
        store, complaint_ids=("zendesk:101",), action_ids=("a-1", "a-2"), keys=("zendesk:d-2",)
    )
    assert after == before
    assert store.get_action("a-2") is None
    assert [d.delivery_id for d in store.unprocessed_deliveries(at(60), 10)] == ["d-2"]


def test_stale_expected_revision_conflicts_and_writes_nothing(store: Store) -> None:
    store.commit(new_complaint_decision(complaint(revision=1)), LEDGER)
    store.commit(
        Decision(complaint=complaint(revision=2), expected_revision=1, audit=(draft(),)), LEDGER
    )
    before = snapshot(store, complaint_ids=("zendesk:101",), action_ids=("a-9",))
    stale = Decision(
        complaint=complaint(revision=2, subject="stale"),
        expected_revision=1,
        audit=(draft(),),
        new_actions=(action("a-9"),),
    )

    with pytest.raises(RevisionConflictError):
        store.commit(stale, LEDGER)

    assert snapshot(store, complaint_ids=("zendesk:101",), action_ids=("a-9",)) == before
    stored = store.get_complaint("zendesk:101")
    assert stored is not None
    assert (stored.revision, stored.subject) == (2, "Charged twice")


def test_expected_revision_of_a_missing_complaint_conflicts(store: Store) -> None:
    update = Decision(complaint=complaint(revision=2), expected_revision=1, audit=(draft(),))

    with pytest.raises(RevisionConflictError):
        store.commit(update, LEDGER)

    assert store.get_complaint("zendesk:101") is None
    assert store.chain_head(CHAIN).seq == 0


def test_older_source_version_never_overwrites_a_newer_one(store: Store) -> None:
    store.commit(new_complaint_decision(complaint(source_version=at(10))), LEDGER)
    late = complaint(revision=2, source_version=at(5), subject="late")

    with pytest.raises(RevisionConflictError):
        store.commit(Decision(complaint=late, expected_revision=1, audit=(draft(),)), LEDGER)
    stored = store.get_complaint("zendesk:101")
    assert stored is not None
    assert (stored.revision, stored.source_version) == (1, at(10))

    same_instant = complaint(revision=2, source_version=at(10), subject="comment")
    store.commit(Decision(complaint=same_instant, expected_revision=1, audit=()), LEDGER)
    assert store.get_complaint("zendesk:101") == same_instant


def test_commit_for_an_unknown_delivery_conflicts_and_writes_nothing(store: Store) -> None:
    with pytest.raises(RevisionConflictError):
        store.commit(
            new_complaint_decision(complaint(), action("a-1")), LEDGER, delivery_key="zendesk:nope"
        )

    assert store.get_complaint("zendesk:101") is None
    assert store.get_action("a-1") is None
    assert store.chain_head(CHAIN).seq == 0
    assert store.audit_entries(CHAIN) == []
    assert store.get_delivery("zendesk:nope") is None


def test_decision_without_audit_commits_its_other_items(store: Store) -> None:
    entries = store.commit(new_complaint_decision(complaint(), action("a-1"), drafts=0), LEDGER)

    assert entries == ()
    assert store.get_complaint("zendesk:101") is not None
    assert store.get_action("a-1") is not None
    assert store.chain_head(CHAIN).seq == 0


# The audit chain


def test_chain_holds_across_commits_and_reads_in_pages(store: Store) -> None:
    for _ in range(5):
        store.commit(Decision(complaint=None, audit=(draft(), draft())), LEDGER)
    store.commit(Decision(complaint=None, audit=(draft(),)), "other-ledger")
    store.commit(Decision(complaint=None, audit=(draft(complaint_id="zendesk:7"),)), LEDGER)

    entries = store.audit_entries(CHAIN, limit=100)
    assert [e.seq for e in entries] == list(range(1, 11))
    assert chain_holds(entries)
    assert store.chain_head(CHAIN).hash == entries[-1].hash
    assert [e.seq for e in store.audit_entries(CHAIN, after_seq=4, limit=3)] == [5, 6, 7]
    assert store.audit_entries(CHAIN, after_seq=10) == []
    # Each complaint has its own chain, in each ledger.
    for chain in (chain_of("other-ledger", "zendesk:101"), chain_of(LEDGER, "zendesk:7")):
        (only,) = store.audit_entries(chain)
        assert (only.chain, only.seq, only.prev_hash) == (chain, 1, GENESIS_HASH)


def test_concurrent_commits_keep_one_gap_free_chain(store: Store) -> None:
    threads, per_thread = 2, 10
    start = threading.Barrier(threads)
    failures: list[BaseException] = []

    def writer(name: str) -> None:
        start.wait()
        try:
            for n in range(per_thread):
                audit = (draft(f"{name}.{n}.a"), draft(f"{name}.{n}.b"))
                store.commit(Decision(complaint=None, audit=audit), LEDGER)
        except BaseException as exc:  # surfaced by the assertion below
            failures.append(exc)

    workers = [threading.Thread(target=writer, args=(f"t{i}",)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()

    assert failures == []
    entries = store.audit_entries(CHAIN, limit=1000)
    total = threads * per_thread * 2
    assert [e.seq for e in entries] == list(range(1, total + 1))
    assert chain_holds(entries)
    assert store.chain_head(CHAIN).seq == total
    # A decision's entries stay together on the chain.
    kinds = [e.kind for e in entries]
    assert all(kinds[i][:-1] + "b" == kinds[i + 1] for i in range(0, total, 2))


def test_due_complaints_lists_only_owed_ones_in_due_order(store: Store) -> None:
    owed = [complaint("late", due_at=at(60)), complaint("early", due_at=at(30))]
    at_bound = complaint("bound", due_at=at(120))
    not_yet = complaint("future", due_at=at(121))
    acknowledged = complaint(
        "acked", due_at=at(10), status=ComplaintStatus.ACKNOWLEDGED, acknowledged_at=at(5)
    )
    overdue = complaint("overdue", due_at=at(10), acknowledgement_overdue=True)
    not_complaint = complaint("nc", due_at=at(10), status=ComplaintStatus.NOT_A_COMPLAINT)
    for c in [*owed, at_bound, not_yet, acknowledged, overdue, not_complaint]:
        store.commit(new_complaint_decision(c, drafts=0), LEDGER)

    due = store.due_complaints(now=at(120), limit=10)

    assert [c.ticket_id for c in due] == ["early", "late", "bound"]
    assert [c.ticket_id for c in store.due_complaints(now=at(120), limit=2)] == [
        "early",
        "late",
    ]
    assert store.due_complaints(now=at(29), limit=10) == []


def test_due_acknowledgement_is_dropped_once_acknowledged_or_overdue(store: Store) -> None:
    for ticket in ("a", "b", "c"):
        store.commit(new_complaint_decision(complaint(ticket, due_at=at(30)), drafts=0), LEDGER)
    acked = complaint(
        "a", revision=2, due_at=at(30), status=ComplaintStatus.ACKNOWLEDGED, acknowledged_at=at(1)
    )
    flagged = complaint("b", revision=2, due_at=at(30), acknowledgement_overdue=True)
    for c in (acked, flagged):
        store.commit(Decision(complaint=c, expected_revision=1, audit=(draft(),)), LEDGER)

    assert [c.ticket_id for c in store.due_complaints(now=at(60), limit=10)] == ["c"]


def test_due_actions_lists_only_pending_due_ones(store: Store) -> None:
    pending = [action("later", next_attempt_at=at(20)), action("sooner", next_attempt_at=at(10))]
    future = action("future", next_attempt_at=at(90))
    done = action("done", next_attempt_at=at(1), status=ActionStatus.DONE)
    parked = action("parked", next_attempt_at=at(1), status=ActionStatus.PARKED)
    decision = Decision(
        complaint=None, audit=(draft(),), new_actions=(*pending, future, done, parked)
    )
    store.commit(decision, LEDGER)

    assert [a.action_id for a in store.due_actions(now=at(30), limit=10)] == ["sooner", "later"]

    finished = pending[1].model_copy(update={"status": ActionStatus.DONE, "attempts": 1})
    retry = pending[0].model_copy(update={"attempts": 1, "next_attempt_at": at(60)})
    store.commit(action_update(finished, ActionStatus.PENDING, 0), LEDGER)
    store.commit(action_update(retry, ActionStatus.PENDING, 0), LEDGER)

    assert store.due_actions(now=at(30), limit=10) == []
    assert store.due_actions(now=at(60), limit=10) == [retry]
    assert store.get_action("sooner") == finished


@pytest.mark.parametrize(
    ("expected_status", "expected_attempts"),
    [(ActionStatus.PENDING, 1), (ActionStatus.DONE, 0)],
    ids=["wrong-attempts", "wrong-status"],
)
def test_action_update_on_moved_action_conflicts(
    store: Store, expected_status: ActionStatus, expected_attempts: int
) -> None:
    original = action("a-1")
    store.commit(Decision(complaint=None, audit=(draft(),), new_actions=(original,)), LEDGER)
    before = snapshot(store, action_ids=("a-1",))
    moved = original.model_copy(update={"attempts": 2, "status": ActionStatus.DONE})

    with pytest.raises(RevisionConflictError):
        store.commit(action_update(moved, expected_status, expected_attempts), LEDGER)

    assert snapshot(store, action_ids=("a-1",)) == before
    assert store.get_action("a-1") == original


# DynamoDB specifics


def test_tables_are_created_from_the_template(dynamo_client: Any) -> None:
    assert table_names() == {"StateTable": "plaint-state", "AuditTable": "plaint-audit"}
    assert table_names(TEMPLATE) == table_names()
    assert create_tables(dynamo_client) == []  # idempotent: both exist already

    state = dynamo_client.describe_table(TableName="plaint-state")["Table"]
    indexes = {i["IndexName"]: [k["AttributeName"] for k in i["KeySchema"]]
               for i in state["GlobalSecondaryIndexes"]}  # fmt: skip
    search = {f"complaints_by_{facet}": [f"s_{facet}", "s_received"]
              for facet in ("month", "category", "jurisdiction", "regime", "channel",
                            "clock_status", "late", "referred")}  # fmt: skip
    pairs = (
        ("category", "late"),
        ("jurisdiction", "late"),
        ("regime", "late"),
        ("category", "clock_status"),
        ("jurisdiction", "clock_status"),
        ("regime", "clock_status"),
        ("category", "jurisdiction"),
        ("regime", "channel"),
    )
    search |= {f"complaints_by_{a}_and_{b}": [f"s_{a}_{b}", "s_received"] for a, b in pairs}
    assert len(indexes) <= 20  # DynamoDB's default limit of indexes on a table
    assert indexes == {
        "due": ["due_bucket", "due_at"],
        "by_complainant": ["complainant"],
        "deliveries_by_day": ["delivered_on", "delivered_key"],
        **search,
    }
    assert state["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    ttl = dynamo_client.describe_time_to_live(TableName="plaint-state")["TimeToLiveDescription"]
    assert (ttl["TimeToLiveStatus"], ttl["AttributeName"]) == ("ENABLED", "expires_at")
    assert sorted(dynamo_client.list_tables()["TableNames"]) == ["plaint-audit", "plaint-state"]


def test_due_queries_read_only_due_items(dynamo_client: Any) -> None:
    store = DynamoStore(dynamo_client)
    for n in range(50):
        store.commit(new_complaint_decision(complaint(f"later-{n}", due_at=at(600)), drafts=0), "x")
    for n in range(3):
        store.commit(new_complaint_decision(complaint(f"due-{n}", due_at=at(n)), drafts=0), "x")
    waiting = [action(f"w-{n}", next_attempt_at=at(600)) for n in range(20)]
    store.commit(Decision(complaint=None, audit=(), new_actions=(*waiting, action("go"))), "x")
    read = ItemsRead(dynamo_client)

    due = store.due_complaints(now=at(60), limit=100)

    assert [c.ticket_id for c in due] == ["due-0", "due-1", "due-2"]
    assert read.count == 3
    assert [a.action_id for a in store.due_actions(now=at(60), limit=100)] == ["go"]
    assert read.count == 4


def test_audit_entries_are_plain_attributes(dynamo_client: Any) -> None:
    store = DynamoStore(dynamo_client)
    store.commit(Decision(complaint=None, audit=(draft(complaint_id=None, rule_id=None),)), "l")

    raw = dynamo_client.get_item(
        TableName="plaint-audit", Key={"pk": {"S": "CHAIN#l/-"}, "sk": {"S": "SEQ#000000000001"}}
    )["Item"]

    assert raw["seq"] == {"N": "1"}
    assert raw["at"] == {"S": T0.isoformat()}
    assert raw["detail"]["S"].startswith("{")
    assert "complaint_id" not in raw
    assert "rule_id" not in raw
    head = dynamo_client.get_item(
        TableName="plaint-audit", Key={"pk": {"S": "CHAIN#l/-"}, "sk": {"S": "HEAD"}}
    )["Item"]
    assert head["seq"] == {"N": "1"}
    assert head["hash"] == raw["hash"]


def rival_hook(client: Any, rounds: int) -> list[int]:
    """Before our transaction, let another writer append to the ledger first."""
    rival, done, busy = DynamoStore(client), [0], [False]

    def interfere(**_: Any) -> None:
        if busy[0] or done[0] >= rounds:
            return
        busy[0] = True
        try:
            audit = (draft(f"rival.{done[0]}"),)
            rival.commit(Decision(complaint=None, audit=audit), LEDGER)
            done[0] += 1
        finally:
            busy[0] = False

    client.meta.events.register("before-call.dynamodb.TransactWriteItems", interfere)
    return done


def test_a_head_moved_since_it_was_read_is_placed_again(dynamo_client: Any) -> None:
    rivals = rival_hook(dynamo_client, rounds=1)

    entries = DynamoStore(dynamo_client).commit(new_complaint_decision(complaint()), LEDGER)

    assert rivals == [1]
    assert [e.seq for e in entries] == [2, 3]
    chain = DynamoStore(dynamo_client).audit_entries(CHAIN)
    assert chain_holds(chain)
    assert chain[1:] == list(entries)


def test_a_head_that_keeps_moving_gives_up_with_nothing_written(dynamo_client: Any) -> None:
    rivals = rival_hook(dynamo_client, rounds=1000)
    store = DynamoStore(dynamo_client)

    with pytest.raises(ChainConflictError):
        store.commit(new_complaint_decision(complaint(), action("a-1")), LEDGER)

    assert rivals == [8]
    assert store.get_complaint("zendesk:101") is None
    assert store.get_action("a-1") is None
    chain = store.audit_entries(CHAIN, limit=100)
    assert [e.kind for e in chain] == [f"rival.{n}" for n in range(8)]
    assert chain_holds(chain)


@pytest.fixture
def stubbed() -> Iterator[tuple[DynamoStore, Stubber]]:
    client = boto3.client(
        "dynamodb", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x"
    )
    with Stubber(client) as stubber:
        yield DynamoStore(client), stubber


def test_throttling_is_reported_as_store_unavailable(stubbed: Any) -> None:
    store, stubber = stubbed
    stubber.add_client_error("get_item", "ProvisionedThroughputExceededException")

    with pytest.raises(StoreUnavailableError) as caught:
        store.get_complaint("zendesk:101")
    assert caught.value.__cause__ is not None


def test_a_transaction_cancelled_for_throttling_is_store_unavailable(stubbed: Any) -> None:
    store, stubber = stubbed
    reasons = [{"Code": "None"}, {"Code": "ThrottlingError"}]
    stubber.add_client_error(
        "transact_write_items",
        "TransactionCanceledException",
        modeled_fields={"CancellationReasons": reasons},
    )

    with pytest.raises(StoreUnavailableError):
        store.commit(new_complaint_decision(complaint(), drafts=0), LEDGER)
    stubber.assert_no_pending_responses()


def test_other_client_errors_are_not_disguised(stubbed: Any) -> None:
    store, stubber = stubbed
    stubber.add_client_error("get_item", "ValidationException")

    with pytest.raises(Exception, match="ValidationException") as caught:
        store.get_action("a-1")
    assert not isinstance(caught.value, StoreUnavailableError)


def test_a_delivery_records_one_outcome_only(store: Store) -> None:
    d = delivery("d-9")
    store.accept_delivery(d, keep_until=T0 + timedelta(hours=76))
    store.commit(Decision(complaint=None, audit=(draft(),)), LEDGER, delivery_key=d.key)
    head = store.chain_head(CHAIN)
    with pytest.raises(RevisionConflictError):
        store.commit(Decision(complaint=None, audit=(draft(),)), LEDGER, delivery_key=d.key)
    assert store.chain_head(CHAIN) == head
    processed = store.get_delivery(d.key)
    assert processed is not None and processed.status is DeliveryStatus.PROCESSED


def test_a_cursor_moves_on_only_from_where_it_was(store: Store) -> None:
    assert store.get_cursor("zendesk") is None
    store.put_cursor("zendesk", "c1", expected=None)
    with pytest.raises(RevisionConflictError):
        store.put_cursor("zendesk", "c0", expected=None)
    store.put_cursor("zendesk", "c2", expected="c1")
    with pytest.raises(RevisionConflictError):
        store.put_cursor("zendesk", "c3", expected="c1")  # an overlapping run arrives late
    assert store.get_cursor("zendesk") == "c2"


# Sent mail evidence (plaint.ports.SentMailEvidence)


def test_sent_mail_evidence_starts_empty(store: Store) -> None:
    assert store.accepted_at("a" * 32) is None
    assert store.sending_noted_at("a" * 32) is None


def test_the_last_sending_noted_is_the_one_kept(store: Store) -> None:
    store.note_sending("a" * 32, at(0))
    store.note_sending("a" * 32, at(7.5))
    assert store.sending_noted_at("a" * 32) == at(7.5)
    assert store.accepted_at("a" * 32) is None
    assert store.sending_noted_at("b" * 32) is None


def test_acceptance_is_kept_once_and_survives_a_later_sending_note(store: Store) -> None:
    assert store.record_accepted("a" * 32, at(1), "ses-1") is True
    assert store.record_accepted("a" * 32, at(2), "ses-1") is False  # the event again
    assert store.accepted_at("a" * 32) == at(1)
    store.note_sending("a" * 32, at(3))
    assert store.accepted_at("a" * 32) == at(1)
    assert store.sending_noted_at("a" * 32) == at(3)


def test_acceptance_after_a_sending_note_keeps_both(store: Store) -> None:
    store.note_sending("c" * 32, at(0))
    assert store.record_accepted("c" * 32, at(0.01), "ses-2") is True
    assert (store.sending_noted_at("c" * 32), store.accepted_at("c" * 32)) == (at(0), at(0.01))


def test_complaints_are_read_in_batches_in_the_order_asked(store: Store) -> None:
    stored = [complaint(f"t{n:03}") for n in range(130)]  # more than one BatchGetItem
    for c in stored:
        store.commit(new_complaint_decision(c, drafts=0), LEDGER)
    wanted = ["zendesk:t129", "zendesk:missing", "zendesk:t000", "zendesk:t129"]
    wanted += [c.complaint_id for c in stored[1:120]]
    found = store.get_complaints(wanted)
    assert [c.complaint_id for c in found] == [
        "zendesk:t129", "zendesk:t000", *(c.complaint_id for c in stored[1:120])
    ]  # fmt: skip
    assert found[0] == store.get_complaint("zendesk:t129")
    assert store.get_complaints([]) == []


def test_dynamodb_asks_again_for_keys_it_left_unprocessed(dynamo_client: Any) -> None:
    store = DynamoStore(dynamo_client, clock=lambda: T0)
    for n in range(3):
        store.commit(new_complaint_decision(complaint(f"u{n}"), drafts=0), LEDGER)
    calls: list[int] = []

    def leave_one_unprocessed(params: dict[str, Any], **_: Any) -> None:
        calls.append(len(params["RequestItems"]["plaint-state"]["Keys"]))

    def hold_back(parsed: dict[str, Any], **_: Any) -> None:
        if len(calls) == 1:  # throttled: the first answer leaves its last key unread
            table = parsed["Responses"]["plaint-state"]
            held = table.pop()
            key = {"pk": held["pk"], "sk": held["sk"]}
            parsed["UnprocessedKeys"] = {"plaint-state": {"Keys": [key]}}

    dynamo_client.meta.events.register("provide-client-params.dynamodb.BatchGetItem",
                                       leave_one_unprocessed)  # fmt: skip
    dynamo_client.meta.events.register("after-call.dynamodb.BatchGetItem", hold_back)
    found = store.get_complaints([f"zendesk:u{n}" for n in range(3)])
    assert [c.ticket_id for c in found] == ["u0", "u1", "u2"] and calls == [3, 1]
