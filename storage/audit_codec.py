"""Item layout of the audit table, shared by the DynamoDB store and its in-memory twin.

- An entry: `CHAIN#<chain>` / `SEQ#<n>`, plain attributes. Besides its content it carries
  the keys of the query indexes, each a month (or, for time, a day) of one facet, sorted by
  time: `by_time` (tpart), `by_kind` (kpart), `by_category` (cpart), `by_jurisdiction`
  (jpart), `by_clock_status` (spart, sparse) and `by_policy_version` (vpart). A query reads
  only the months it spans and only the entries it returns.
- A chain's head: `CHAIN#<chain>` / `HEAD`.
- A ledger's seal: `LEDGER#<ledger>` / `SEAL`, the end of the newest sealed window; every
  commit checks its entries are dated after it.
- A checkpoint's copy (body and signature; the leaves stay in the write-once archive):
  `LEDGER#<ledger>` / `CHECKPOINT#<n>`; and, per chain it covered, `CHAINCP#<chain>` / `<n>`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from plaint.auditlog.chain import ledger_of
from plaint.auditlog.checkpoint import Checkpoint, CheckpointBody
from plaint.auditlog.evidence import CheckpointCopy, IndexMismatch
from plaint.model.audit import AuditEntry, AuditFacets, ChainHead, Erasure, PersonalValue
from storage.codec import sortable
from storage.layout import Item

HEAD_SK: Final = "HEAD"
SEAL_SK: Final = "SEAL"
LAST_SEQ: Final = 999_999_999_999
TIME_INDEX: Final = "by_time"


@dataclass(frozen=True)
class Facet:
    """One query index: its name, the item attribute holding its partition, and the value
    of an entry it partitions by (None keeps the entry out of the index)."""

    name: str
    index: str
    attribute: str


FACETS: Final = {
    "kind": Facet("kind", "by_kind", "kpart"),
    "category": Facet("category", "by_category", "cpart"),
    "jurisdiction": Facet("jurisdiction", "by_jurisdiction", "jpart"),
    "clock_status": Facet("clock_status", "by_clock_status", "spart"),
    "policy_version": Facet("policy_version", "by_policy_version", "vpart"),
}


def facet_value(entry: AuditEntry, facet: str) -> str | None:
    match facet:
        case "kind":
            return entry.kind
        case "policy_version":
            return entry.policy_version
        case "clock_status":
            return entry.facets.clock_status.value if entry.facets.clock_status else None
        case _:
            value = getattr(entry.facets, facet)
            return None if value is None else str(value)


def chain_pk(chain: str) -> str:
    return f"CHAIN#{chain}"


def seq_sk(seq: int) -> str:
    return f"SEQ#{seq:012d}"


def head_key(chain: str) -> Item:
    return {"pk": chain_pk(chain), "sk": HEAD_SK}


def head_item(head: ChainHead) -> Item:
    return {**head_key(head.chain), "seq": head.seq, "hash": head.hash}


def head_from_item(chain: str, item: Item) -> ChainHead:
    return ChainHead(chain=chain, seq=int(item["seq"]), hash=item["hash"])


def day_partition(ledger: str, day: str) -> str:
    return f"{ledger}#{day}"


def month_partition(ledger: str, value: str, month: str) -> str:
    return f"{ledger}#{value}#{month}"


def time_key(at: datetime, chain: str, seq: int) -> str:
    return f"{sortable(at)}#{chain}#{seq:012d}"


def entry_item(entry: AuditEntry) -> Item:
    """Plain attributes, readable with any DynamoDB tool; `detail` stays JSON text so its
    number types survive exactly and its hash can be recomputed."""
    ledger = ledger_of(entry.chain)
    at = sortable(entry.at)
    item: Item = {
        "pk": chain_pk(entry.chain),
        "sk": seq_sk(entry.seq),
        "chain": entry.chain,
        "seq": entry.seq,
        "kind": entry.kind,
        "policy_version": entry.policy_version,
        "at": entry.at.isoformat(),
        "detail": json.dumps(entry.detail, sort_keys=True, ensure_ascii=False),
        "facets": entry.facets.model_dump_json(exclude_none=True),
        "prev_hash": entry.prev_hash,
        "hash": entry.hash,
        "tpart": day_partition(ledger, at[:10]),
        "tkey": time_key(entry.at, entry.chain, entry.seq),
    }
    if entry.personal_digests:
        item["personal_digests"] = json.dumps(entry.personal_digests, sort_keys=True)
    if entry.personal:
        item["personal"] = personal_json(entry.personal)
    if entry.complaint_id is not None:
        item["complaint_id"] = entry.complaint_id
    if entry.rule_id is not None:
        item["rule_id"] = entry.rule_id
    for facet in FACETS.values():
        value = facet_value(entry, facet.name)
        if value is not None:
            item[facet.attribute] = month_partition(ledger, value, at[:7])
    return item


# What places an entry in the table and its indexes, all derived from its content.
PLACING: Final = ("pk", "sk", "tpart", "tkey", *(f.attribute for f in FACETS.values()))


def index_mismatch(item: Item) -> IndexMismatch | None:
    """The placing attributes of a stored entry that differ from those its content gives:
    an entry hidden from a query by rewriting its index keys alone."""
    entry = entry_from_item(item)
    expected = entry_item(entry)
    wrong = tuple(name for name in PLACING if item.get(name) != expected.get(name))
    return IndexMismatch(chain=entry.chain, seq=entry.seq, attributes=wrong) if wrong else None


def personal_json(personal: dict[str, PersonalValue]) -> str:
    """Personal values as the entry item holds them (and as erasures expect to find them)."""
    plain = {name: value.model_dump() for name, value in personal.items()}
    return json.dumps(plain, sort_keys=True, ensure_ascii=False)


def entry_key(chain: str, seq: int) -> Item:
    return {"pk": chain_pk(chain), "sk": seq_sk(seq)}


def remaining_personal(erasure: Erasure) -> dict[str, PersonalValue]:
    return {k: v for k, v in erasure.expected.items() if k not in erasure.fields}


def entry_from_item(item: Item) -> AuditEntry:
    personal = json.loads(item.get("personal", "{}"))
    return AuditEntry(
        chain=item["chain"],
        seq=int(item["seq"]),
        kind=item["kind"],
        complaint_id=item.get("complaint_id"),
        policy_version=item["policy_version"],
        at=datetime.fromisoformat(item["at"]),
        rule_id=item.get("rule_id"),
        detail=json.loads(item["detail"]),
        facets=AuditFacets.model_validate_json(item.get("facets", "{}")),
        personal_digests=json.loads(item.get("personal_digests", "{}")),
        personal={name: PersonalValue(**value) for name, value in personal.items()},
        prev_hash=item["prev_hash"],
        hash=item["hash"],
    )


def ledger_pk(ledger: str) -> str:
    return f"LEDGER#{ledger}"


def seal_key(ledger: str) -> Item:
    return {"pk": ledger_pk(ledger), "sk": SEAL_SK}


def checkpoint_key(ledger: str, number: int) -> Item:
    return {"pk": ledger_pk(ledger), "sk": f"CHECKPOINT#{number:012d}"}


def checkpoint_item(checkpoint: Checkpoint) -> Item:
    body = checkpoint.body
    return {
        **checkpoint_key(body.ledger, body.number),
        "number": body.number,
        "window_end": sortable(body.window_end),
        "body": body.model_dump_json(),
        "signature": checkpoint.signature,
        "hash": checkpoint.hash,
    }


def checkpoint_body_from_item(item: Item) -> tuple[CheckpointBody, str]:
    return CheckpointBody.model_validate_json(item["body"]), str(item["signature"])


def checkpoint_copy_from_item(item: Item) -> CheckpointCopy:
    """The copy under the number its key names, whatever its body says."""
    body, signature = checkpoint_body_from_item(item)
    number = int(str(item["sk"]).removeprefix("CHECKPOINT#"))
    return CheckpointCopy(number=number, body=body, signature=signature)


def entry_prefix(ledger: str) -> str:
    """The start of every entry key of the ledger's chains."""
    return chain_pk(f"{ledger}/")


def chain_checkpoint_item(chain: str, number: int) -> Item:
    return {"pk": f"CHAINCP#{chain}", "sk": f"{number:012d}", "number": number}


def chain_checkpoints_pk(chain: str) -> str:
    return f"CHAINCP#{chain}"


def from_sortable(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
