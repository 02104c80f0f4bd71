"""Every word a page shows is in the catalogue, in English, Azerbaijani, Arabic and
Persian: no template carries an English literal, no template names a key the catalogue
lacks, and each refusal the portal writes has its words in every language (portal.i18n)."""

from __future__ import annotations

import ast
import re
import string
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from portal import i18n
from portal.errors import PortalError
from tests.functional.portal.conftest import ADMIN_TOKEN, sign_in

PORTAL = Path(i18n.__file__).resolve().parent
TEMPLATES = sorted((PORTAL / "templates").glob("*.html"))
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
# Words no language translates: the product, standard and format names.
NAMES = frozenset({"Plaint", "PEM", "UTC", "SHA-256", "Merkle", "JSON", "CSV"})
WORDY_ATTRIBUTES = ("title", "aria-label", "alt")


class _Literals(HTMLParser):
    """Text a template shows outside Jinja expressions, and wordy attribute values."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._verbatim = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._verbatim += tag in ("code", "pre", "script", "style")
        for name, value in attrs:
            if name in WORDY_ATTRIBUTES and value:
                self._check(value)

    def handle_endtag(self, tag: str) -> None:
        self._verbatim -= tag in ("code", "pre", "script", "style")

    def handle_data(self, data: str) -> None:
        if not self._verbatim:
            self._check(data)

    def _check(self, text: str) -> None:
        words = [w for w in re.findall(r"[A-Za-z][A-Za-z'-]+", text) if w not in NAMES]
        if words:
            self.found.append(text.strip())


def literals(source: str) -> list[str]:
    parser = _Literals()
    parser.feed(JINJA.sub(" ", source))
    return parser.found


def test_the_check_finds_an_english_literal() -> None:
    assert literals("<p>{{ t.none }} (no active policy)</p>") == ["(no active policy)"]
    assert literals('<a title="Open it" href="#">{{ t.open }}</a>') == ["Open it"]
    assert literals("<th>UTC</th><code>plaint audit verify</code><p>{{ x }} · #3</p>") == []


@pytest.mark.parametrize("template", TEMPLATES, ids=[t.name for t in TEMPLATES])
def test_no_template_shows_an_untranslated_word(template: Path) -> None:
    assert literals(template.read_text("utf-8")) == []


@pytest.mark.parametrize("template", TEMPLATES, ids=[t.name for t in TEMPLATES])
def test_every_key_a_template_names_is_in_every_language(template: Path) -> None:
    text = template.read_text("utf-8")
    keys = set(re.findall(r"\bt\.([a-z_]+)", text))
    keys |= {f"{prefix}{value}" for prefix in re.findall(r't\["([a-z_]+)" ~', text)
             for value in _values_of(prefix)}  # fmt: skip
    for language in i18n.LANGUAGES:
        words = i18n.words(language)
        assert keys <= set(words), sorted(keys - set(words))
    english = i18n.words("en")
    for language in ("az", "ar", "fa"):
        words = i18n.words(language)
        untranslated = {k for k in keys if words[k] == english[k] and _wordy(english[k])}
        assert untranslated <= {"role_auditor"}, (language, sorted(untranslated))


def _values_of(prefix: str) -> list[str]:
    from plaint.model.publication import PolicyAct
    from plaint.usecases.what_if import Change
    from plaint.usecases.what_if_jobs import JobState

    enums = {"act_": PolicyAct, "change_": Change, "job_": JobState}
    return [member.value for member in enums[prefix]]


def _wordy(text: str) -> bool:
    return any(w not in NAMES for w in re.findall(r"[A-Za-z]{3,}", text))


def _raised_templates() -> list[tuple[str, str]]:
    errors = {cls.__name__ for cls in _subclasses(PortalError)} | {"PortalError"}
    found = []
    for path in sorted(PORTAL.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.Raise):
                continue
            call = node.exc
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)):
                continue
            if call.func.id in errors and call.args:
                first = call.args[0]
                assert not isinstance(first, ast.JoinedStr), (
                    f"{path.name}:{node.lineno}: an f-string; give a template and its values"
                )
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found.append((f"{path.name}:{node.lineno}", first.value))
    return found


def _subclasses(cls: type) -> list[type]:
    found: list[type] = []
    subclasses: list[type] = cls.__subclasses__()
    for sub in subclasses:
        found += [sub, *_subclasses(sub)]
    return found


def test_every_refusal_the_portal_writes_has_its_words_in_every_language() -> None:
    raised = _raised_templates()
    assert len(raised) > 30, "the scan found the portal's refusals"
    for where, template in raised:
        assert i18n.known_detail(template), f"{where}: {template!r} has no translations"
        names = {f for _, f, _, _ in string.Formatter().parse(template) if f}
        for language in ("az", "ar", "fa"):
            shown = i18n.detail(language, template, {name: "⟨x⟩" for name in names})
            assert shown != template.format(**{name: "⟨x⟩" for name in names})
            assert shown.count("⟨x⟩") == len(names), (language, template)


def test_a_refusal_is_explained_in_the_viewers_language(client: FlaskClient) -> None:
    sign_in(client, lang="fa")
    page = client.get("/complaints?from=2026-03-10&to=2026-03-01")
    assert page.status_code == 400
    text = page.get_data(as_text=True)
    assert "بازه پیش از آغازش پایان می‌یابد" in text and "period ends" not in text
    sign_in(client, name="Leyla Admin", token=ADMIN_TOKEN, lang="az")
    text = client.get("/admin/what-if/" + "0" * 32).get_data(as_text=True)
    assert "belə ssenari yoxdur (ssenarilər bir həftə saxlanılır)" in text


def test_the_charts_words_are_in_every_language() -> None:
    from dataclasses import fields

    from plaint.reporting.charts import ENGLISH, ChartWords
    from plaint.reporting.figures import BucketSize

    def names(template: str) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(template) if f}

    for language in ("az", "ar", "fa"):
        words = i18n.chart_words(language)
        for spec in fields(ChartWords):
            english, shown = getattr(ENGLISH, spec.name), getattr(words, spec.name)
            if isinstance(english, str):
                assert shown != english and names(shown) == names(english), (language, spec.name)
        for size in BucketSize:
            assert words.bucket(size.value) != ENGLISH.bucket(size.value)
    assert i18n.chart_words("en") is ENGLISH


def test_the_report_s_charts_speak_the_viewer_s_language(
    client: FlaskClient, clock: list[Any]
) -> None:
    sign_in(client, lang="ar")
    day = clock[0].date()
    asked = {"from": (day - timedelta(days=1)).isoformat(), "to": day.isoformat(), "bucket": "day"}
    text = client.get("/reports", query_string=asked).get_data(as_text=True)
    assert text.count("<svg") == 3
    assert "الشكاوى الواردة لكل يوم، حسب الفئة" in text and "تجاوزات المهل حسب الساعة" in text
    assert "Complaints received per" not in text and "Clock breaches" not in text
