"""The admin's policy pages: every problem of a draft at its line, the difference from the
active policy, the what-if, and publication by two different admins."""

from __future__ import annotations

import io
import json
from typing import Any

from flask.testing import FlaskClient

from tests.factories import decided_pack
from tests.functional.portal.conftest import ADMIN_TOKEN, UK_PACK, csrf_of, run_what_ifs, sign_in


def admin(client: FlaskClient, name: str = "Leyla Admin") -> str:
    sign_in(client, name=name, token=ADMIN_TOKEN)
    return csrf_of(client.get("/admin/drafts").get_data(as_text=True))


def edited_pack(**changes: Any) -> str:
    document = json.loads(decided_pack("uk-fca-disp"))
    document.update(changes)
    return json.dumps(document, indent=2, ensure_ascii=False)


def test_a_draft_shows_every_problem_at_its_line(client: FlaskClient) -> None:
    csrf = admin(client)
    document = json.loads(UK_PACK.read_text("utf-8"))
    document["acknowledgement"]["calendar"] = "nowhere"
    document["default_language"] = 7
    text = json.dumps(document, indent=2)
    answer = client.post("/admin/drafts", data={"text": text, "csrf_token": csrf})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "problems" in page
    assert "default_language" in page
    line = next(n for n, row in enumerate(text.splitlines(), 1) if '"default_language"' in row)
    assert f'href="#L{line}">line {line}</a>' in page
    assert f'<li id="L{line}" class="problem">' in page


def test_broken_json_is_named_at_its_line_and_column(client: FlaskClient) -> None:
    csrf = admin(client)
    page = client.post(
        "/admin/drafts", data={"text": '{\n  "name": "x",\n  oops\n}', "csrf_token": csrf}
    ).get_data(as_text=True)
    assert 'href="#L3">line 3</a>' in page and "column" in page


def test_an_oversized_upload_is_refused_whole(client: FlaskClient, world: dict[str, Any]) -> None:
    csrf = admin(client)
    big = io.BytesIO(b"{" + b" " * (5 * 1024 * 1024) + b"}")
    answer = client.post(
        "/admin/drafts/propose",
        data={"file": (big, "big.json"), "csrf_token": csrf},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 413
    assert "larger than the portal accepts" in answer.get_data(as_text=True)
    assert world["store"].get_cursor("policy-proposals") is None


def test_a_file_that_is_not_text_is_refused(client: FlaskClient) -> None:
    csrf = admin(client)
    answer = client.post(
        "/admin/drafts",
        data={"file": (io.BytesIO(b"\xff\xfe\x00bad"), "p.json"), "csrf_token": csrf},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 400 and "not UTF-8" in answer.get_data(as_text=True)


def test_an_invalid_draft_is_never_proposed(client: FlaskClient, world: dict[str, Any]) -> None:
    csrf = admin(client)
    answer = client.post("/admin/drafts/propose", data={"text": '{"name": 1}', "csrf_token": csrf})
    assert answer.status_code == 400
    assert world["store"].get_cursor("policy-proposals") is None


def test_the_diff_and_two_person_publication(client: FlaskClient, world: dict[str, Any]) -> None:
    csrf = admin(client, "Leyla Admin")
    text = edited_pack(name="UK pack, reviewed")
    checked = client.post("/admin/drafts", data={"text": text, "csrf_token": csrf})
    page = checked.get_data(as_text=True)
    assert "The draft is valid." in page and "~ name:" in page
    proposed = client.post("/admin/drafts/propose", data={"text": text, "csrf_token": csrf})
    assert proposed.status_code == 302
    proposal_url = proposed.headers["Location"]
    version = proposal_url.rsplit("/", 1)[-1]
    own = client.get(proposal_url).get_data(as_text=True)
    assert "another admin must approve it" in own and 'id="approve"' not in own
    refused = client.post(f"/admin/proposals/{version}/approve", data={"csrf_token": csrf_of(own)})
    assert refused.status_code == 403
    assert world["store"].active_policy()[0] == world["policy"].version
    client.post("/sign-out", data={"csrf_token": csrf_of(own)})
    second = admin(client, "Rashad Approver")
    page = client.get(proposal_url).get_data(as_text=True)
    assert 'id="approve"' in page
    approved = client.post(f"/admin/proposals/{version}/approve", data={"csrf_token": second})
    assert approved.status_code == 302
    assert world["store"].active_policy()[0] == version
    history = client.get("/admin/policies").get_data(as_text=True)
    assert "Leyla Admin" in history and "Rashad Approver" in history
    again = client.post(f"/admin/proposals/{version}/approve", data={"csrf_token": second})
    assert again.status_code == 404
    acts = [(e.kind, e.detail) for e in world["store"].complaint_entries("main", "policy")]
    assert [kind for kind, _ in acts] == ["policy.proposed", "policy.published"]
    assert "Leyla Admin" in str(acts[0][1]) and "Rashad Approver" in str(acts[1][1])


def test_a_what_if_runs_as_a_job_with_its_progress(
    client: FlaskClient, functions: Any, aws: dict[str, Any], world: dict[str, Any]
) -> None:
    csrf = admin(client)
    document = json.loads(UK_PACK.read_text("utf-8"))
    document["regimes"][0]["clocks"][1]["within"] = {"amount": 10, "unit": "weeks"}
    form = {"text": json.dumps(document), "days": "7", "csrf_token": csrf, "run": "r" * 20}
    started = client.post("/admin/what-if", data=form)
    assert started.status_code == 302
    url = started.headers["Location"]
    # The same form sent twice is one job, queued once.
    assert client.post("/admin/what-if", data=form).headers["Location"] == url
    waiting = client.get(f"{url}/progress").get_json()
    assert waiting == {"state": "queued", "done": 0, "total": 0, "finished": False, "error": None}
    assert "Waiting for a worker" in client.get(url).get_data(as_text=True)

    assert run_what_ifs(functions, aws) == 1  # the worker's function, not the portal
    progress = client.get(f"{url}/progress").get_json()
    assert progress == {"state": "finished", "done": 2, "total": 2, "finished": True,
                        "error": None}  # fmt: skip
    page = client.get(url).get_data(as_text=True)
    assert "clock deadlines" in page and "zendesk:5101" in page and "zendesk:5102" in page
    # Delivered again (SQS delivers at least once), it does not run again.
    job_id = url.rsplit("/", 1)[1]
    before = world["store"]._client.get_item(
        TableName="plaint-state", Key={"pk": {"S": f"WHATIF#{job_id}"}, "sk": {"S": "JOB"}}
    )["Item"]
    aws["sqs"].send_message(QueueUrl=aws["queues"]["plaint-what-if"], MessageBody=job_id)
    assert run_what_ifs(functions, aws) == 1
    after = world["store"]._client.get_item(
        TableName="plaint-state", Key={"pk": {"S": f"WHATIF#{job_id}"}, "sk": {"S": "JOB"}}
    )["Item"]
    assert after == before


def test_a_what_if_with_a_bad_form_starts_nothing(
    client: FlaskClient, functions: Any, aws: dict[str, Any]
) -> None:
    csrf = admin(client)
    text = UK_PACK.read_text("utf-8")
    for form in ({"text": text, "days": "7", "csrf_token": csrf},  # no run token
                 {"text": text, "days": "30", "csrf_token": csrf, "run": "r" * 20},
                 {"text": "{", "days": "7", "csrf_token": csrf, "run": "r" * 20}):  # fmt: skip
        answer = client.post("/admin/what-if", data=form)
        assert answer.status_code == 400
    assert run_what_ifs(functions, aws) == 0
    assert client.get("/admin/what-if/" + "0" * 32).status_code == 404
    assert client.get("/admin/what-if/..%2f..%2fetc").status_code == 404


def test_a_proposal_is_withdrawn_and_the_history_shows_it(
    client: FlaskClient, world: dict[str, Any]
) -> None:
    csrf = admin(client)
    form = {"text": edited_pack(name="Taken back"), "csrf_token": csrf}
    proposed = client.post("/admin/drafts/propose", data=form)
    proposal_url = proposed.headers["Location"]
    version = proposal_url.rsplit("/", 1)[1]
    assert 'id="withdraw"' in client.get(proposal_url).get_data(as_text=True)
    stale = client.post(f"{proposal_url}/withdraw", data={"reason": "no token"})
    assert stale.status_code == 400
    too_long = client.post(f"{proposal_url}/withdraw",
                           data={"csrf_token": csrf, "reason": "x" * 501})  # fmt: skip
    assert too_long.status_code == 400
    unknown = client.post("/admin/proposals/" + "0" * 64 + "/withdraw", data={"csrf_token": csrf})
    assert unknown.status_code == 404
    assert [e.kind for e in world["store"].complaint_entries("main", "policy")] == [
        "policy.proposed"
    ]

    done = client.post(f"{proposal_url}/withdraw", data={"csrf_token": csrf, "reason": "typo"})

    assert done.status_code == 302
    acts = world["store"].complaint_entries("main", "policy")
    assert [e.kind for e in acts] == ["policy.proposed", "policy.withdrawn"]
    assert acts[1].detail["withdrawn_by"] == "Leyla Admin" and acts[1].detail["reason"] == "typo"
    history = client.get("/admin/policies").get_data(as_text=True)
    assert 'class="act-withdrawn">withdrawn</span>' in history
    assert client.get(proposal_url).status_code == 404
    again = client.post(f"{proposal_url}/withdraw", data={"csrf_token": csrf})
    assert again.status_code == 404
    assert client.post(f"/admin/proposals/{version}/approve",
                       data={"csrf_token": csrf}).status_code == 404  # fmt: skip
