"""How deeply a JSON text nests, found without parsing it: Python's json decoder recurses per
level, so a hostile document must be refused before it is decoded. Shared by the webhooks'
decoder (connectors.payload) and the policy reader (plaint.policy.positions)."""

from __future__ import annotations

import re
from typing import Final

# A JSON string, or one bracket: valid JSON tokenises this way, so counting the brackets
# outside strings gives the nesting without parsing. An unterminated string runs to the end
# of the text, so no match is tried twice and the scan stays linear on any input.
_TOKENS: Final = re.compile(r'"(?:[^"\\]|\\.)*(?:"|\\?\Z)|[\[\]{}]', re.DOTALL)


def too_deep(text: str, max_depth: int) -> tuple[int, int] | None:
    """The line and column (both from 1) of the first bracket that opens a level deeper than
    `max_depth`; None when the text nests no deeper."""
    depth = 0
    for token in _TOKENS.finditer(text):
        bracket = token.group()
        if bracket in "[{":
            depth += 1
            if depth > max_depth:
                start = token.start()
                return text.count("\n", 0, start) + 1, start - text.rfind("\n", 0, start)
        elif bracket in "]}":
            depth -= 1
    return None
