"""The canonical form written from its description in docs/audit.md ("The canonical form,
byte for byte"), without Python's json encoder: if the two ever disagree, the description
is incomplete or the encoder changed, and an auditor's own tool would disagree too."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

_SHORT = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def encode(value: Any) -> bytes:
    return _value(value).encode("utf-8")


_LITERALS = {None: "null", True: "true", False: "false"}


def _value(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return _LITERALS[value]
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list | tuple):
        return "[" + ",".join(_value(item) for item in value) + "]"
    if isinstance(value, dict):
        # Keys in code point order: Python compares str by code point.
        items = sorted(value.items())
        return "{" + ",".join(_string(k) + ":" + _value(v) for k, v in items) + "}"
    raise TypeError(type(value))


def _string(text: str) -> str:
    out = []
    for char in text:
        if char in _SHORT:
            out.append(_SHORT[char])
        elif ord(char) < 0x20:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _float(number: float) -> str:
    if not math.isfinite(number):
        raise ValueError("no canonical form")
    if number == 0:
        return "-0.0" if math.copysign(1, number) < 0 else "0.0"
    digits, exponent = _shortest(abs(number))
    sign = "-" if number < 0 else ""
    if -4 <= exponent < 16:
        point = exponent + 1  # digits before the decimal point
        if point <= 0:
            return f"{sign}0.{'0' * -point}{digits}"
        whole, fraction = digits[:point].ljust(point, "0"), digits[point:]
        return f"{sign}{whole}.{fraction or '0'}"
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return f"{sign}{mantissa}e{'-' if exponent < 0 else '+'}{abs(exponent):02d}"


def _shortest(number: float) -> tuple[str, int]:
    """The fewest significant digits that read back as `number`, and the decimal exponent
    of the first: the closest such digits when several are that short. At each length the
    correctly rounded digits and their two neighbours are tried: 2**-24 is
    5.9604644775390625e-08 exactly, and of its 16-digit neighbours only ...063 (not the
    correctly rounded ...062) reads back. Of two equally close, the even last digit."""
    exact = Decimal(number)
    for precision in range(1, 18):
        mantissa, exponent = f"{number:.{precision - 1}e}".split("e")
        rounded, scale = int(mantissa.replace(".", "")), int(exponent) - (precision - 1)
        candidates = (rounded - 1, rounded, rounded + 1)
        readable = [d for d in candidates if d > 0 and float(Decimal(d).scaleb(scale)) == number]
        if readable:
            best = str(min(readable, key=lambda d: (abs(Decimal(d).scaleb(scale) - exact), d % 2)))
            return best.rstrip("0") or "0", scale + len(best) - 1
    raise AssertionError("a binary64 float needs at most 17 digits")
