"""The few SVG pieces the report charts are drawn with.

Built with xml.etree, so every label and attribute is escaped on the way out. Labels come
from the policy (categories) and the helpdesk (products), in any script: a label whose
first strong character is right-to-left (Arabic, Persian, Hebrew) is written with
direction="rtl", the way HTML's dir="auto" decides. Characters XML cannot carry, and the
bidi overrides that could make a label read as something else, are dropped.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal
from xml.etree import ElementTree as ET

SVG_NS = "http://www.w3.org/2000/svg"


FONT = "system-ui, 'Segoe UI', 'Noto Sans', 'Noto Sans Arabic', Tahoma, sans-serif"


INK = "#1f2933"


MUTED = "#616e7c"


GRID = "#d9dee3"


Side = Literal["left", "right", "middle"]


# XML 1.0 forbids most C0 controls, lone surrogates and U+FFFE/U+FFFF; explicit
# embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) could reorder a label.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff\u202a-\u202e\u2066-\u2069]"
)


_SPACE = re.compile(r"\s+")


def clean(text: str) -> str:
    """The label as one line of characters an SVG file can carry."""
    return _SPACE.sub(" ", _UNSAFE.sub("", text)).strip()


def is_rtl(text: str) -> bool:
    """True when the first strongly directional character is right-to-left."""
    for char in text:
        direction = unicodedata.bidirectional(char)
        if direction in ("R", "AL"):
            return True
        if direction == "L":
            return False
    return False


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def text_width(text: str, size: float = 12) -> float:
    """A generous estimate of the rendered width, for layout (no font metrics here)."""
    return len(text) * size * 0.6


def number(value: float) -> str:
    """A coordinate as SVG wants it: short, no exponent."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def document(width: float, height: float, name: str, title: str, desc: str) -> ET.Element:
    """An SVG root a screen reader announces as an image with `title` and `desc`. `name`
    prefixes the ids, so several charts can sit in one HTML page."""
    root = ET.Element(
        "svg",
        {
            "xmlns": SVG_NS,
            "width": number(width),
            "height": number(height),
            "viewBox": f"0 0 {number(width)} {number(height)}",
            "role": "img",
            "aria-labelledby": f"{name}-title {name}-desc",
            "font-family": FONT,
            "font-size": "12",
            "fill": INK,
        },
    )
    ET.SubElement(root, "title", {"id": f"{name}-title"}).text = clean(title)
    ET.SubElement(root, "desc", {"id": f"{name}-desc"}).text = clean(desc)
    ET.SubElement(root, "rect", {"width": "100%", "height": "100%", "fill": "#ffffff"})
    return root


def _anchor(side: Side, rtl: bool) -> str:
    """`side` is where the text sits against x: "left" means the text starts at x and runs
    right. In SVG, text-anchor start/end follow the text's direction, so RTL swaps them."""
    if side == "middle":
        return "middle"
    return "end" if (side == "left") == rtl else "start"


def text(
    parent: ET.Element,
    x: float,
    y: float,
    label: str,
    *,
    side: Side = "left",
    size: float = 12,
    **attributes: str,
) -> ET.Element:
    shown = clean(label)
    rtl = is_rtl(shown)
    element = ET.SubElement(
        parent,
        "text",
        {
            "x": number(x),
            "y": number(y),
            "text-anchor": _anchor(side, rtl),
            **({"font-size": number(size)} if size != 12 else {}),
            **({"direction": "rtl", "unicode-bidi": "embed"} if rtl else {}),
            **{name.replace("_", "-"): value for name, value in attributes.items()},
        },
    )
    element.text = shown
    return element


def tooltip(element: ET.Element, label: str) -> None:
    """A <title> child: shown on hover, read by screen readers."""
    ET.SubElement(element, "title").text = clean(label)


def rect(
    parent: ET.Element,
    x: float,
    y: float,
    width: float,
    height: float,
    *,
    fill: str,
    label: str | None = None,
) -> ET.Element:
    element = ET.SubElement(
        parent,
        "rect",
        {
            "x": number(x),
            "y": number(y),
            "width": number(max(width, 0)),
            "height": number(max(height, 0)),
            "fill": fill,
        },
    )
    if label is not None:
        tooltip(element, label)
    return element


Point = tuple[float, float]


def line(
    parent: ET.Element, start: Point, end: Point, stroke: str, **attributes: str
) -> ET.Element:
    return ET.SubElement(
        parent,
        "line",
        {
            "x1": number(start[0]),
            "y1": number(start[1]),
            "x2": number(end[0]),
            "y2": number(end[1]),
            "stroke": stroke,
            **{name.replace("_", "-"): value for name, value in attributes.items()},
        },
    )


def serialise(root: ET.Element) -> str:
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")
