"""The answer page: plain HTML, no JavaScript, one fieldset per question with labelled
choices, `lang` and `dir` set from the complainant's language."""

from __future__ import annotations

import html
from collections.abc import Mapping

from plaint.policy.surveys import SurveyPolicy
from plaint.surveys.links import LinkProblem
from plaint.surveys.wording import direction, language_of, words

_STYLE = (
    "body{font-family:sans-serif;max-width:40em;margin:2em auto;padding:0 1em;line-height:1.5}"
    "fieldset{margin:1em 0;border:1px solid #888}legend{font-weight:bold}"
    "label{margin-inline-end:1em;white-space:nowrap}textarea{width:100%}"
    ".notice{padding:.5em;border:1px solid #555}"
)


def form(
    language: str,
    rules: SurveyPolicy,
    action: str,
    answers: Mapping[str, int],
    notice: str | None = None,
) -> str:
    """The questions, each answered one already chosen, posting to `action`."""
    said = words(language)
    e = html.escape
    parts = []
    if notice:
        parts.append(f'<p class="notice" role="status">{e(notice)}</p>')
    parts.append(f'<form method="post" action="{e(action)}">')
    for index, question in enumerate(rules.questions):
        aspect = question.aspect.value
        text = question.texts.get(language) or question.texts.get("en") or aspect
        parts.append(f"<fieldset>\n<legend>{e(text)}</legend>")
        for score in rules.scale.scores:
            ident = f"q{index}-{score}"
            checked = " checked" if answers.get(aspect) == score else ""
            label = str(score)
            if score == rules.scale.lowest:
                label += f" ({said['low']})"
            elif score == rules.scale.highest:
                label += f" ({said['high']})"
            parts.append(
                f'<input type="radio" id="{ident}" name="{aspect}" value="{score}"{checked}>'
                f'<label for="{ident}">{e(label)}</label>'
            )
        parts.append("</fieldset>")
    parts.append(
        f'<p><label for="comment">{e(said["comment"])}</label><br>\n'
        f'<textarea id="comment" name="comment" rows="5" '
        f'maxlength="{rules.comment_max_chars}"></textarea></p>'
    )
    parts.append(f'<p><button type="submit">{e(said["send"])}</button></p>\n</form>')
    return _document(language, said["title"], "\n".join(parts))


def thanks(language: str) -> str:
    said = words(language)
    return _document(language, said["title"], f'<p role="status">{html.escape(said["thanks"])}</p>')


def refusal(language: str | None, problem: LinkProblem) -> str:
    said = words(language)
    body = f'<p role="alert">{html.escape(said[problem])}</p>'
    return _document(language_of(language), said["refused"], body)


def _document(language: str, title: str, body: str) -> str:
    lang = html.escape(language, quote=True)
    dir_ = direction(language)
    t = html.escape(title)
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}" dir="{dir_}">\n<head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{t}</title><style>{_STYLE}</style></head>\n"
        f"<body>\n<main>\n<h1>{t}</h1>\n{body}\n</main>\n</body>\n</html>\n"
    )
