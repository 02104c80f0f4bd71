"""Property tests: no input makes the email parser raise anything but PayloadInvalidError.

About 2,000 inputs per run: 500 random byte strings, 500 random header/body texts, and 1,000
mutations of the real corpus messages (byte flips, truncations, header duplications, spliced
boundaries).
"""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors.email.mime import ParsedEmail, parse_message
from connectors.errors import PayloadInvalidError
from tests.factories import EVENTS as EVENTS_DIR

EML = EVENTS_DIR / "eml"
CORPUS = [p.read_bytes() for p in sorted(EML.glob("*.eml"))]


def fast(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def survives(raw: bytes) -> None:
    try:
        result = parse_message(raw)
    except PayloadInvalidError:
        return
    assert isinstance(result, ParsedEmail)


@fast(500)
@given(st.binary(max_size=4096))
def test_random_bytes(raw):
    survives(raw)


HEADER_NAMES = st.sampled_from(
    [
        "Subject",
        "From",
        "To",
        "Content-Type",
        "Content-Transfer-Encoding",
        "Content-Disposition",
        "Message-ID",
        "References",
        "Auto-Submitted",
        "Date",
        "X-Autoreply",
    ]
)
HEADER_VALUES = st.one_of(
    st.text(max_size=120),
    st.sampled_from(
        [
            "multipart/mixed; boundary=b",
            'multipart/alternative; boundary="b"',
            "multipart/report; report-type=delivery-status; boundary=b",
            "message/rfc822",
            "text/plain; charset=utf-7",
            "text/html; charset=x-unknown",
            "base64",
            "quoted-printable",
            "attachment; filename*=utf-8''%D9%81.txt",
            "=?utf-8?b?2LTaqdin2w==?= =?utf-8?b?jNiq?=",
            "=?bogus?q?=FF=00?=",
            "=?utf-8?b?!!!?=",
            'text/plain; charset="zlib_codec"',
            "=?utf-8?q?a=0D=0Ab?=",
        ]
    ),
)


@fast(500)
@given(
    st.lists(st.tuples(HEADER_NAMES, HEADER_VALUES), max_size=8),
    st.text(max_size=600),
    st.sampled_from(["\r\n", "\n", "\r"]),
)
def test_random_headers_and_bodies(headers, body, newline):
    text = newline.join(f"{name}: {value}" for name, value in headers)
    survives(f"{text}{newline}{newline}{body}".encode("utf-8", errors="surrogatepass"))


MESSAGES = st.sampled_from(CORPUS)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    raw = bytearray(draw(MESSAGES))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        kind = draw(st.sampled_from(["flip", "truncate", "duplicate", "splice", "insert"]))
        if not raw:
            break
        at = draw(st.integers(min_value=0, max_value=len(raw) - 1))
        if kind == "flip":
            raw[at] ^= 1 << draw(st.integers(min_value=0, max_value=7))
        elif kind == "truncate":
            del raw[at:]
        elif kind == "duplicate":
            end = raw.find(b"\n\n") if b"\r\n\r\n" not in raw else raw.find(b"\r\n\r\n")
            head = bytes(raw[: max(end, 0)])
            raw[0:0] = head * draw(st.integers(min_value=1, max_value=3))
        elif kind == "splice":
            other = draw(MESSAGES)
            start = draw(st.integers(min_value=0, max_value=len(other)))
            raw[at:at] = other[start : start + 2000]
        else:
            raw[at:at] = draw(st.sampled_from([b"\r\n--", b"=?utf-8?b?", b"\x00", b"\r", b">"]))
    return bytes(raw)


@fast(1000)
@given(mutated())
def test_mutated_corpus_messages(raw):
    survives(raw)
