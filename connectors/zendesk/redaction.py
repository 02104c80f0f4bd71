"""What Zendesk's Redact Ticket Comment In Agent Workspace endpoint is sent to redact a whole
comment, and how a redacted comment looks afterwards.

The endpoint (PUT /api/v2/comment_redactions/{ticket_comment_id}, https://developer.zendesk.com/
api-reference/ticketing/tickets/ticket_comments/#redact-ticket-comment-in-agent-workspace)
takes the comment's own `html_body` with the parts to remove marked: text inside `<redact>`
tags becomes ▇, and an element that carries content of its own (a link, an inline image)
needs the `redact` attribute as well. Attachments go by their `content_url` in
`external_attachment_urls`. Unlike the older Redact String in Comment endpoint, it works on
closed and archived tickets, which is where a ticket past its retention period usually is.
"""

from __future__ import annotations

from html import escape
from html.parser import HTMLParser
from typing import Any, Final

from connectors.zendesk.wire import ApiAttachment, ApiComment

REDACTED_CHARACTER: Final = "▇"
# Zendesk's name for an attachment it has redacted: an empty "redacted.txt"
# (https://developer.zendesk.com/api-reference/ticketing/tickets/ticket-attachments/
# #redact-comment-attachment).
REDACTED_FILE_NAME: Final = "redacted.txt"
# The elements the endpoint documents as needing the `redact` attribute.
_ELEMENTS_WITH_CONTENT: Final = frozenset({"a", "img"})


class _MarkEverything(HTMLParser):
    """Rebuilds an html_body with every run of visible text inside `<redact>` and the
    `redact` attribute on every link and image; the markup is otherwise kept, so the
    endpoint recognises the comment it is given."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.parts.append(_start_tag(tag, attrs, self_closing=False))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.parts.append(_start_tag(tag, attrs, self_closing=True))

    def handle_endtag(self, tag: str) -> None:
        self.parts.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        text = escape(data, quote=False)
        # Whitespace alone says nothing about anyone; wrapping it would only add noise.
        self.parts.append(f"<redact>{text}</redact>" if data.strip() else text)

    def handle_comment(self, data: str) -> None:
        self.parts.append(f"<!--{data}-->")


def _start_tag(tag: str, attrs: list[tuple[str, str | None]], *, self_closing: bool) -> str:
    rendered = [name if value is None else f'{name}="{escape(value)}"' for name, value in attrs]
    if tag in _ELEMENTS_WITH_CONTENT and not any(name == "redact" for name, _ in attrs):
        rendered.append("redact")
    inside = " ".join([tag, *rendered])
    return f"<{inside} />" if self_closing else f"<{inside}>"


def marked_html(comment: ApiComment) -> str:
    """The comment's html_body with everything in it marked for redaction."""
    if comment.html_body is None:
        return f"<redact>{escape(comment.body or '', quote=False)}</redact>"
    parser = _MarkEverything()
    parser.feed(comment.html_body)
    parser.close()
    return "".join(parser.parts)


def redaction_body(ticket_id: str, comment: ApiComment) -> dict[str, Any]:
    """The request body that redacts all of `comment`: its text and its attachments."""
    body: dict[str, Any] = {"ticket_id": int(ticket_id)}
    if _has_text(comment):
        body["html_body"] = marked_html(comment)
    urls = [a.content_url for a in _unredacted(comment.attachments) if a.content_url]
    if urls:
        body["external_attachment_urls"] = urls
    return body


def is_redacted(comment: ApiComment) -> bool:
    """Whether nothing of the comment is left to redact: its text is all ▇ (or blank) and
    every attachment is gone or replaced by Zendesk's empty redacted.txt."""
    return not _has_text(comment) and not _unredacted(comment.attachments)


def _has_text(comment: ApiComment) -> bool:
    text = comment.plain_body if comment.plain_body is not None else comment.body or ""
    return any(not char.isspace() and char != REDACTED_CHARACTER for char in text)


def _unredacted(attachments: list[ApiAttachment]) -> list[ApiAttachment]:
    return [a for a in attachments if not a.deleted and a.file_name != REDACTED_FILE_NAME]
