"""Read one raw inbound email (RFC 5322 / MIME) into the few facts a complaint needs.

Inbound mail is hostile input. The parser never trusts a declared charset, never keeps an
attachment's content (only its size and digest), and caps the work one message can cause:
`MAX_PARTS` parts, `MAX_DEPTH` levels of nesting and `MAX_TEXT_CHARS` characters of text.
Every cap that is hit, and every charset that had to be guessed or replaced, is written to
`ParsedEmail.defects` instead of raising. Only a message that cannot be read at all raises
PayloadInvalidError.
"""

from __future__ import annotations

import binascii
import codecs
import email.policy
import hashlib
import re
from datetime import datetime
from email import message_from_bytes
from email.message import Message
from email.utils import collapse_rfc2231_value, getaddresses, parseaddr, parsedate_to_datetime
from html.parser import HTMLParser
from typing import Any, Final

from pydantic import BaseModel, ConfigDict

from connectors.errors import PayloadInvalidError

MAX_RAW_BYTES: Final = 50 * 1024 * 1024  # SES accepts at most 40 MB per message
MAX_PARTS: Final = 200
MAX_DEPTH: Final = 20
MAX_TEXT_CHARS: Final = 1024 * 1024
MAX_HEADER_CHARS: Final = 16 * 1024
MAX_DEFECTS: Final = 50

# Names mail clients use that Python's codec registry does not know, or knows as a smaller
# character set than the one senders actually use.
_CHARSET_ALIASES: Final = {
    "iso-8859-8-i": "iso-8859-8",
    "iso-8859-8-e": "iso-8859-8",
    "iso-8859-6-i": "iso-8859-6",
    "iso-8859-6-e": "iso-8859-6",
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "euc-kr": "cp949",
    "x-mac-cyrillic": "mac-cyrillic",
    "x-mac-ukrainian": "mac-cyrillic",
    "x-mac-roman": "mac-roman",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "unicode-1-1-utf-7": "utf-7",
    "x-unicode20utf8": "utf-8",
    "utf8": "utf-8",
    "x-sjis": "shift_jis",
    "shift-jis": "shift_jis",
    "windows-874": "cp874",
    "ansi_x3.4-1968": "ascii",
    "us-ascii": "utf-8",  # 8-bit bytes in "ASCII" mail are nearly always UTF-8
    "x-user-defined": "windows-1252",
}
# Codecs that are registered but are not character sets a mail could be written in.
_NOT_CHARSETS: Final = frozenset(
    {"undefined", "idna", "punycode", "unicode_escape", "raw_unicode_escape", "mbcs", "oem"}
)

_AUTOMATIC_HEADERS: Final = ("x-autoreply", "x-autorespond", "x-autoresponder")
_REPORT_TYPES: Final = {
    "message/delivery-status": "delivery_status",
    "message/global-delivery-status": "delivery_status",
    "message/disposition-notification": "disposition_notification",
    "message/feedback-report": "feedback_report",
}


class Attachment(BaseModel):
    """What we keep of an attachment: never its content."""

    model_config = ConfigDict(frozen=True)

    filename: str | None
    content_type: str
    size: int
    sha256: str


class ParsedEmail(BaseModel):
    model_config = ConfigDict(frozen=True)

    message_id: str | None = None
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    date: datetime | None = None
    subject: str = ""
    from_address: str | None = None
    from_name: str | None = None
    to: tuple[str, ...] = ()
    text: str = ""
    new_text: str = ""
    text_from_html: bool = False
    attachments: tuple[Attachment, ...] = ()
    automatic_reasons: tuple[str, ...] = ()
    defects: tuple[str, ...] = ()

    @property
    def is_automatic(self) -> bool:
        """An auto-reply, bounce or abuse report: mail about mail, never a complaint."""
        return bool(self.automatic_reasons)


def parse_message(raw: bytes) -> ParsedEmail:
    """Parse one raw message. Raises PayloadInvalidError only when nothing can be read."""
    if not isinstance(raw, bytes | bytearray):
        raise PayloadInvalidError("an email must be bytes")
    if len(raw) > MAX_RAW_BYTES:
        raise PayloadInvalidError(f"email is larger than {MAX_RAW_BYTES} bytes")
    if not raw.strip():
        raise PayloadInvalidError("email is empty")
    raw = bytes(raw)
    try:
        return _Reader(raw, email.policy.default).read()
    except RecursionError:
        # The standard parser recurses once per nesting level: flatten what lies deeper.
        raw = _BOUNDARY.sub(_Defang(), raw)
        first = f"cap: nesting deeper than {MAX_DEPTH}, inner parts read as text"
    except Exception as modern:  # the modern header parser has known crashes on bad input
        first = f"modern parser failed ({type(modern).__name__}); read with compat32"
    try:
        return _Reader(raw, email.policy.compat32, first).read()
    except Exception as exc:
        raise PayloadInvalidError(f"email cannot be parsed ({type(exc).__name__})") from exc


_BOUNDARY: Final = re.compile(rb"boundary\s*=", re.IGNORECASE)


class _Defang:
    """Keeps the first MAX_DEPTH boundary parameters and renames the rest."""

    def __init__(self) -> None:
        self.seen = 0

    def __call__(self, match: re.Match[bytes]) -> bytes:
        self.seen += 1
        return match.group(0) if self.seen <= MAX_DEPTH else b"x-flattened="


# --- charsets and header words -----------------------------------------------------------


def _codec_for(charset: str | None) -> str | None:
    name = (charset or "").strip().strip("\"'").lower()
    name = name.split("*", 1)[0]  # RFC 2231 language suffix
    if not name:
        return "utf-8"
    name = _CHARSET_ALIASES.get(name, name)
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_CHARSETS:
        return None
    return info.name


def decode_bytes(data: bytes, charset: str | None, defects: list[str], where: str) -> str:
    """Decode `data` in `charset`; an unknown charset or bad bytes give U+FFFD plus a defect."""
    codec = _codec_for(charset)
    if codec is None:
        _defect(defects, f"{where}: unknown charset {charset!r:.60}, read as UTF-8")
        codec = "utf-8"
    try:
        return data.decode(codec)
    except (UnicodeError, LookupError, ValueError):
        pass
    if codec != "utf-8":  # mislabelled UTF-8 is the commonest wrong label
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            _defect(defects, f"{where}: bytes invalid in charset {codec}, read as UTF-8")
            return text
    _defect(defects, f"{where}: bytes invalid in charset {codec}, replaced")
    try:
        return data.decode(codec, errors="replace")
    except (UnicodeError, LookupError, ValueError):
        return data.decode("utf-8", errors="replace")


_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([QqBb])\?([^?\s]*)\?=")
_Q_ESCAPE = re.compile(rb"=([0-9A-Fa-f]{2})")


def _word_bytes(encoding: str, text: str, defects: list[str]) -> bytes:
    data = text.encode("ascii", errors="replace")
    if encoding in "Qq":
        return _Q_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), data.replace(b"_", b" "))
    data = data.rstrip(b"=")
    data += b"=" * (-len(data) % 4)
    try:
        return binascii.a2b_base64(data)
    except (binascii.Error, ValueError):
        _defect(defects, "header: broken base64 encoded word")
        return b""


def _raw_text(value: str, defects: list[str]) -> str:
    """Text outside encoded words. Raw 8-bit bytes arrive surrogate-escaped."""
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        data = value.encode("utf-8", errors="surrogateescape")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        _defect(defects, "header: raw 8-bit bytes that are not UTF-8, replaced")
        return data.decode("utf-8", errors="replace")


def decode_header_text(value: str, defects: list[str]) -> str:
    """Decode RFC 2047 encoded words. Adjacent words in one charset are joined as bytes
    before decoding, so a character split across two words (seen in the wild, though RFC
    2047 section 5 forbids it) comes out whole."""
    value = (
        re.sub(r"\r?\n[ \t]", " ", value[:MAX_HEADER_CHARS]).replace("\r", "").replace("\n", " ")
    )
    out: list[str] = []
    pending: bytearray = bytearray()
    pending_charset: str | None = None
    position = 0

    def flush() -> None:
        nonlocal pending_charset
        if pending_charset is not None:
            out.append(decode_bytes(bytes(pending), pending_charset, defects, "header"))
        pending.clear()
        pending_charset = None

    for match in _ENCODED_WORD.finditer(value):
        between = value[position : match.start()]
        charset, encoding, text = match.groups()
        charset = charset.split("*", 1)[0].lower()
        if between and not (pending_charset is not None and between.isspace()):
            flush()
            out.append(_raw_text(between, defects))
        elif pending_charset is not None and charset != pending_charset:
            flush()
        pending_charset = charset
        pending.extend(_word_bytes(encoding, text, defects))
        position = match.end()
    flush()
    out.append(_raw_text(value[position:], defects))
    # CR, LF and other controls inside a value (header injection) become spaces.
    return _CONTROLS.sub(" ", "".join(out)).strip()


_CONTROLS: Final = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]+")


# --- HTML to text ------------------------------------------------------------------------


class _TextFromHtml(HTMLParser):
    """Visible text of an HTML body; quoted blocks come out prefixed with '> '."""

    _BREAKS: Final = frozenset(
        {"br", "p", "div", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "hr"}
    )
    _HIDDEN: Final = frozenset({"script", "style", "head", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.hidden = 0
        self.quote = 0
        self.size = 0

    def _newline(self) -> None:
        if self.lines[-1].strip(" >"):
            self.lines.append("")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._HIDDEN:
            self.hidden += 1
        elif tag == "blockquote":
            self._newline()
            self.quote += 1
        elif tag in self._BREAKS:
            self._newline() if tag != "br" else self.lines.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag == "blockquote":
            self.quote = max(0, self.quote - 1)
            self._newline()
        elif tag in self._BREAKS:
            self._newline()

    def handle_data(self, data: str) -> None:
        if self.hidden or self.size > MAX_TEXT_CHARS:
            return
        data = re.sub(r"\s+", " ", data)
        if not self.lines[-1] and self.quote:
            self.lines[-1] = "> " * self.quote
            data = data.lstrip()
        self.lines[-1] += data
        self.size += len(data)


def html_to_text(markup: str) -> str:
    parser = _TextFromHtml()
    parser.feed(markup)
    parser.close()
    lines = [line.strip() for line in parser.lines]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# --- quoted history ----------------------------------------------------------------------

_ATTRIBUTION: Final = re.compile(
    r"""^(?:
        (?:On\s)?.{1,300}\swrote\s?:                        # English
      | في\s.{1,300}كتب\s?:                                   # Arabic
      | في\s.{1,300}\s(?:كتب|تمت\sكتابة\sما\sيلي\sبواسطة)\s.{1,300}<[^<>\s]+@[^<>\s]+>\s?:
                                                           # Arabic, Gmail: the name after كتب
      | در\s.{1,300}نوشت(?:ه\s*است)?\s?:                      # Persian
      | .{1,300}\starihinde\s.{0,300}yazdı\s?:               # Turkish
      | .{1,300}\starixində\s.{0,300}yazdı\s?:               # Azerbaijani
      | .{1,300}\s(?:написал|написала|написал\(а\))\s?:       # Russian
      | Am\s.{1,300}\sschrieb\s?:                            # German
      | Le\s.{1,300}\sa\sécrit\s?:                           # French
    )$""",
    re.VERBOSE | re.IGNORECASE,
)
_SEPARATOR: Final = re.compile(
    r"^(?:-{2,}\s*(?:Original Message|Ursprüngliche Nachricht|Message d'origine|"
    r"Исходное сообщение|Orijinal Mesaj|پیام اصلی|الرسالة الأصلية)\s*-{2,}|_{10,})$",
    re.IGNORECASE,
)
_HEADER_FROM: Final = re.compile(r"^\*?(?:From|از|من|Von|De|От|Kimden|Kimdən)\s?\*?:", re.I)
_HEADER_SENT: Final = re.compile(
    r"^\*?(?:Sent|Date|ارسال(?:\sشده)?|فرستاده\sشده|تاریخ(?:\sارسال)?|التاريخ|أرسلت|"
    r"تم\sالإرسال|تم\sالارسال|تاريخ\sالإرسال|تاريخ\sالارسال|الإرسال|Gesendet|Envoyé|Отправлено|"
    r"Дата|Gönderildi|Gönderilme\sTarihi|Tarih|Göndərildi|Tarix)\s?\*?:",
    re.I,
)


_LOOKS_LIKE_HEADER: Final = re.compile(r"\d[:./]\d|@")


def strip_quoted(text: str) -> str:
    """The newest part of a reply: quoted lines and the quoted history below an attribution
    line or an Outlook header block are removed. An attribution followed by an interleaved
    answer (quoted lines, then the sender's own lines) drops only the quoted lines."""
    lines = text.splitlines()
    cut = len(lines)
    dropped: set[int] = set()
    for index, line in enumerate(lines):
        stripped = _bare(line)
        if not stripped or len(stripped) > 1000 or stripped.startswith(">"):
            continue
        if _is_attribution(stripped, lines, index):
            if _interleaved(lines[index + 1 :]):
                dropped.add(index)
                continue
            cut = index
            break
        if _SEPARATOR.match(stripped) or (
            _HEADER_FROM.match(stripped)
            and any(_HEADER_SENT.match(_bare(s)) for s in lines[index + 1 : index + 5])
        ):
            cut = index
            break
    kept = [
        line
        for index, line in enumerate(lines[:cut])
        if index not in dropped and not line.lstrip().startswith(">")
    ]
    return "\n".join(kept).strip()


# Bidirectional controls mail programs put around names and addresses in right-to-left
# attributions ("\u202bفي ... كتب \u202aSupport\u202c <...>:\u202c"): no meaning for matching.
_BIDI: Final = re.compile("[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")


def _bare(line: str) -> str:
    return _BIDI.sub("", line).strip()


def _is_attribution(stripped: str, lines: list[str], index: int) -> bool:
    if _ATTRIBUTION.match(stripped):
        return True
    following = _bare(lines[index + 1]) if index + 1 < len(lines) else ""
    if not following or len(following) > 1000:
        return False
    return bool(
        _ATTRIBUTION.match(f"{stripped} {following}")
        and (_LOOKS_LIKE_HEADER.search(stripped) or not _ATTRIBUTION.match(following))
    )


def _interleaved(rest: list[str]) -> bool:
    """Quoted lines that are followed by unquoted text the sender wrote between them."""
    seen_quote = False
    for line in rest:
        stripped = line.strip()
        if stripped.startswith(">"):
            seen_quote = True
        elif stripped and seen_quote and not _SIGNATURE.match(stripped):
            return True
        elif stripped and not seen_quote and not _ATTRIBUTION.match(stripped):
            return False
    return False


_SIGNATURE: Final = re.compile(r"^(?:--\s*|-{3}.*)$")


# --- the reader --------------------------------------------------------------------------


def _defect(defects: list[str], note: str) -> None:
    if len(defects) < MAX_DEFECTS and note not in defects:
        defects.append(note)


class _Reader:
    def __init__(self, raw: bytes, policy: email.policy.Policy, note: str | None = None):
        self.raw = raw
        self.policy = policy
        self.defects: list[str] = [note] if note else []
        self.parts = 0
        self.plain: list[str] = []
        self.html: list[str] = []
        self.text_chars = 0
        self.attachments: list[Attachment] = []
        self.automatic: list[str] = []

    def read(self) -> ParsedEmail:
        message = message_from_bytes(self.raw, policy=self.policy)
        if not message.keys() and not message.get_payload():
            raise PayloadInvalidError("no headers and no body")
        for defect in message.defects:
            _defect(self.defects, f"mime: {type(defect).__name__}")
        headers = self._headers(message)
        self._flag_automatic(headers, message)
        self._visit(message, depth=0, enclosed=False)
        text_from_html = not self.plain and bool(self.html)
        text = "\n\n".join(self.plain) if self.plain else "\n\n".join(self.html)
        text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
        name, address = parseaddr(headers.get("from", ""))
        return ParsedEmail(
            message_id=_angle_id(headers.get("message-id")),
            in_reply_to=_angle_id(headers.get("in-reply-to")),
            references=tuple(re.findall(r"<[^<>\s]{1,500}>", headers.get("references", "")))[:100],
            date=self._date(headers.get("date")),
            subject=headers.get("subject", ""),
            from_address=address or None,
            from_name=name or None,
            to=tuple(a for _, a in getaddresses([headers.get("to", "")]) if a)[:100],
            text=text,
            new_text=strip_quoted(text),
            text_from_html=text_from_html,
            attachments=tuple(self.attachments),
            automatic_reasons=tuple(self.automatic),
            defects=tuple(self.defects),
        )

    def _headers(self, message: Message) -> dict[str, str]:
        """The first value of each header we use, decoded. CR and LF in a value (a header
        injection attempt) become spaces."""
        wanted = {
            "subject",
            "from",
            "to",
            "date",
            "message-id",
            "in-reply-to",
            "references",
            "auto-submitted",
            "precedence",
            *_AUTOMATIC_HEADERS,
        }
        found: dict[str, str] = {}
        for name, value in message.raw_items():
            key = str(name).strip().lower()
            if key in wanted and key not in found:
                found[key] = decode_header_text(str(value), self.defects)
        return found

    def _date(self, value: str | None) -> datetime | None:
        if not value:
            return None
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            _defect(self.defects, "header: unreadable Date")
            return None
        return parsed if parsed.tzinfo is not None else None

    def _flag_automatic(self, headers: dict[str, str], message: Message) -> None:
        auto = headers.get("auto-submitted", "").strip().lower()
        if auto and not auto.startswith("no"):
            self.automatic.append(f"auto-submitted: {auto[:40]}")
        for name in _AUTOMATIC_HEADERS:
            if name in headers:
                self.automatic.append(name)
        if headers.get("precedence", "").strip().lower() in {"auto_reply", "auto-reply"}:
            self.automatic.append("precedence: auto_reply")
        if _content_type(message) == "multipart/report":
            report = str(message.get_param("report-type") or "").lower()
            self.automatic.append(f"multipart/report: {report[:40] or 'unknown'}")

    def _visit(self, part: Message, depth: int, enclosed: bool) -> None:
        self.parts += 1
        if self.parts > MAX_PARTS:
            if self.parts == MAX_PARTS + 1:
                _defect(self.defects, f"cap: more than {MAX_PARTS} parts, rest skipped")
            return
        if depth > MAX_DEPTH:
            _defect(self.defects, f"cap: nesting deeper than {MAX_DEPTH}, rest skipped")
            return
        content_type = _content_type(part)
        reason = _REPORT_TYPES.get(content_type)
        if reason and reason not in self.automatic:
            self.automatic.append(reason)
        payload = part.get_payload()
        if part.is_multipart() and isinstance(payload, list):
            if content_type == "message/rfc822":
                self._record_enclosure(part, payload)
                enclosed = True
            for child in payload:
                if isinstance(child, Message):
                    self._visit(child, depth + 1, enclosed)
            return
        if (
            not enclosed
            and content_type in {"text/plain", "text/html"}
            and not self._is_attachment(part)
        ):
            self._read_text(part, content_type)
        else:
            self._record_attachment(part, content_type)

    def _is_attachment(self, part: Message) -> bool:
        disposition = str(part.get("content-disposition", "") or "").split(";", 1)[0]
        return disposition.strip().lower() == "attachment"

    def _decoded(self, part: Message) -> bytes:
        data = part.get_payload(decode=True)
        if isinstance(data, bytes):
            return data
        payload = part.get_payload()
        return str(payload).encode("utf-8", errors="surrogateescape") if payload else b""

    def _read_text(self, part: Message, content_type: str) -> None:
        room = MAX_TEXT_CHARS - self.text_chars
        if room <= 0:
            _defect(self.defects, f"cap: more than {MAX_TEXT_CHARS} characters of text")
            return
        data = self._decoded(part)
        charset = part.get_param("charset")
        text = decode_bytes(
            data, charset if isinstance(charset, str) else None, self.defects, content_type
        )
        if content_type == "text/html":
            text = html_to_text(text[: MAX_TEXT_CHARS * 4])
        if len(text) > room:
            _defect(self.defects, f"cap: more than {MAX_TEXT_CHARS} characters of text")
            text = text[:room]
        self.text_chars += len(text)
        (self.html if content_type == "text/html" else self.plain).append(text)

    def _record_attachment(self, part: Message, content_type: str) -> None:
        data = self._decoded(part)
        self.attachments.append(
            Attachment(
                filename=self._filename(part),
                content_type=content_type,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
            )
        )

    def _record_enclosure(self, part: Message, payload: list[Any]) -> None:
        data = b"".join(_as_bytes(child) for child in payload if isinstance(child, Message))
        self.attachments.append(
            Attachment(
                filename=self._filename(part),
                content_type="message/rfc822",
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
            )
        )

    def _filename(self, part: Message) -> str | None:
        for param, header in (("filename", "content-disposition"), ("name", "content-type")):
            try:
                value = part.get_param(param, header=header)
            except Exception:  # malformed parameters
                _defect(self.defects, f"mime: unreadable {header} parameters")
                continue
            if value is None:
                continue
            text = collapse_rfc2231_value(value, errors="replace")
            name = decode_header_text(text, self.defects) if "=?" in text else text
            name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip()
            if name:
                return name[:255]
        return None


def _content_type(part: Message) -> str:
    try:
        return part.get_content_type().lower()
    except Exception:
        return "application/octet-stream"


def _as_bytes(message: Message) -> bytes:
    try:
        return message.as_bytes(policy=email.policy.compat32)
    except Exception:
        return b""


def _angle_id(value: str | None) -> str | None:
    if not value:
        return None
    found = re.search(r"<[^<>\s]{1,500}>", value)
    if found:
        return found.group(0)
    value = value.strip()
    return value[:500] or None
