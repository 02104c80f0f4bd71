"""The token bucket that paces connector requests, on a fake clock: nothing really sleeps."""

import threading

import pytest
import requests

from connectors.http import ApiAccess, DeadlineRetry, PacedAdapter, Pacer, build_session
from connectors.jira.client import JiraClient, JiraRetry
from connectors.zendesk.client import ZendeskClient
from plaint.vocabulary.errors import TransientDeliveryError


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def pacer(rpm=60.0, burst=3):
    clock = FakeClock()
    return Pacer(rpm, burst, clock=clock, sleep=clock.sleep), clock


def test_burst_goes_at_once_then_requests_are_spaced_at_60_over_rpm():
    bucket, clock = pacer(rpm=30.0, burst=3)
    for _ in range(3):
        bucket.wait(None)
    assert clock.sleeps == []
    for _ in range(3):
        bucket.wait(None)
    assert clock.sleeps == pytest.approx([2.0, 2.0, 2.0])


def test_tokens_come_back_with_time_up_to_the_burst():
    bucket, clock = pacer(rpm=60.0, burst=2)
    bucket.wait(None)
    bucket.wait(None)
    clock.now += 3600.0  # an idle hour refills no more than the burst
    bucket.wait(None)
    bucket.wait(None)
    assert clock.sleeps == []
    bucket.wait(None)
    assert clock.sleeps == pytest.approx([1.0])


def test_partial_refill_shortens_the_wait():
    bucket, clock = pacer(rpm=60.0, burst=1)
    bucket.wait(None)
    clock.now += 0.25
    bucket.wait(None)
    assert clock.sleeps == pytest.approx([0.75])


def test_wait_past_the_time_left_raises_without_sleeping():
    bucket, clock = pacer(rpm=6.0, burst=1)  # one request every 10 s
    bucket.wait(lambda: 900.0)
    with pytest.raises(TransientDeliveryError) as caught:
        bucket.wait(lambda: 20.0, safety_margin=15.0)  # 10 s > 20 - 15
    assert caught.value.retry_after == pytest.approx(10.0)
    assert clock.sleeps == []
    # The refused request took no token: with time enough, the next waits only 10 s.
    bucket.wait(lambda: 30.0, safety_margin=15.0)
    assert clock.sleeps == pytest.approx([10.0])


def test_the_default_safety_margin_applies():
    bucket, clock = pacer(rpm=60.0, burst=1)
    bucket.wait(None)
    with pytest.raises(TransientDeliveryError):
        bucket.wait(lambda: 10.0)  # 1 s wait, but 10 s left is inside the margin
    assert clock.sleeps == []


@pytest.mark.parametrize(("rpm", "burst"), [(0, 1), (-5, 1), (float("inf"), 1), (60, 0)])
def test_nonsense_rates_are_refused(rpm, burst):
    with pytest.raises(ValueError):
        Pacer(rpm, burst)


def test_two_threads_never_spend_the_same_token():
    clock = FakeClock()
    lock = threading.Lock()
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        with lock:
            sleeps.append(seconds)

    bucket = Pacer(60.0, 5, clock=clock, sleep=sleep)  # the clock stands still
    start = threading.Barrier(2)

    def take() -> None:
        start.wait()
        for _ in range(200):
            bucket.wait(None)

    threads = [threading.Thread(target=take) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # 400 requests, 5 from the burst: the other 395 each waited for a slot of their own,
    # 1 s, 2 s, ... 395 s after now, and no two were given the same one.
    assert sorted(sleeps) == pytest.approx([float(n) for n in range(1, 396)])


def test_build_session_mounts_the_pacer_for_every_scheme_and_its_retries():
    bucket, _ = pacer()
    session = build_session(lambda: 900.0, pacer=bucket)
    for scheme in ("http://", "https://"):
        adapter = session.get_adapter(scheme + "example.com")
        assert isinstance(adapter, PacedAdapter)
        assert adapter.pacer is bucket
        retry = adapter.max_retries
        assert isinstance(retry, DeadlineRetry)
        assert retry.new().pacer is bucket
    assert not isinstance(build_session().get_adapter("https://x"), PacedAdapter)


def test_every_request_takes_a_token_before_it_is_sent(monkeypatch):
    bucket, clock = pacer(rpm=60.0, burst=1)
    session = build_session(pacer=bucket)
    adapter = session.get_adapter("http://")
    sent: list[str] = []

    def fake_send(self, request, *args, **kwargs):
        sent.append(request.url)
        response = requests.Response()
        response.status_code = 200
        return response

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", fake_send)
    adapter.send(requests.Request("GET", "http://example.com/a").prepare())
    adapter.send(requests.Request("GET", "http://example.com/b").prepare())
    assert sent == ["http://example.com/a", "http://example.com/b"]
    assert clock.sleeps == pytest.approx([1.0])


def test_a_retry_takes_a_token_after_its_back_off():
    bucket, clock = pacer(rpm=60.0, burst=1)
    bucket.wait(None)
    retry = DeadlineRetry(total=2, backoff_factor=0, pacer=bucket).new()
    retry.sleep()
    assert clock.sleeps == pytest.approx([1.0])


def test_clients_pace_at_the_rate_they_are_given():
    zendesk = ZendeskClient(
        ApiAccess("https://example.zendesk.com", "token", requests_per_minute=250)
    )
    jira = JiraClient(ApiAccess("https://example.atlassian.net", "token", requests_per_minute=40))
    assert zendesk.pacer.requests_per_minute == 250
    assert jira.pacer.requests_per_minute == 40
    adapter = jira._session.get_adapter("https://")
    assert isinstance(adapter, PacedAdapter)
    assert isinstance(adapter.max_retries, JiraRetry)
    assert ZendeskClient(ApiAccess("https://x", "t")).pacer.requests_per_minute == 100
    assert JiraClient(ApiAccess("https://x", "t")).pacer.requests_per_minute == 100
