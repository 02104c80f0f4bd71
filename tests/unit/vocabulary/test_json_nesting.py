"""Finding a JSON text's nesting without parsing it."""

from __future__ import annotations

import pytest

from plaint.vocabulary.json_nesting import too_deep


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ('{"a": [1, {"b": 2}]}', None),
        ('{"a": [[[1]]]}', (1, 9)),
        ('{\n  "a": {\n    "b": [[]]}}', (3, 11)),
        ('["[[[[", "{{{{", "\\"[[[["]', None),  # brackets inside strings do not nest
        ('["\\\\", [[[', (1, 10)),  # an escaped backslash ends before the quote
        ('[[["unterminated [[[[[[', None),  # an open string runs to the end
    ],
)
def test_the_first_bracket_past_the_limit_is_placed(
    text: str, place: tuple[int, int] | None
) -> None:
    assert too_deep(text, 3) == place
