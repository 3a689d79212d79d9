"""A kata test's teaching message, in every language the course speaks.

Every message a kata test can show is written once, in English and in Korean side by side,
at the assertion that shows it::

    assert not touched, msg(
        "G's parameters received gradients ({touched}): did you forget `.detach()`?",
        "생성기의 파라미터가 기울기를 받았습니다({touched}). `.detach()`를 잊지 않았나요?",
        touched=touched,
    )

The two texts are one expression, so a change to one shows beside the other in the same
diff, and ``tests/harness/test_messages.py`` proves that every message of every kata test
is a ``msg`` with both texts and the same placeholders. Values are formatted once, with
``str.format``, into both: a shape or a number reads the same in each language.

``msg`` returns the text in the current language (``GANKATA_LANG``, then the locale, as for
the runner), which is what plain ``pytest`` shows. It also remembers every language of what
it returned, so that :func:`in_every_language` can give a whole failure (a message with
PyTorch's error appended, a message inside another) in each language: the report plugin
stores them all, and the runner shows the learner's without running the tests again.
"""

from __future__ import annotations

import string

from gankata.course.words import LANGUAGES, choose_language

# What msg returned since the current test began -> that text in every language.
_said: dict[str, dict[str, str]] = {}
_language = choose_language()
INDENT = "\n  "


def msg(en: str, ko: str, /, **values: object) -> str:
    """The message in the current language; ``values`` fill the ``{placeholders}`` of both.

    A value that is itself a message (``why=msg(...)`` handed on) is put in each language's
    text in that language.
    """
    templates = {"en": en, "ko": ko}
    if placeholders(en) != placeholders(ko):
        raise ValueError(
            f"the English and Korean texts of a message need the same placeholders: "
            f"{sorted(placeholders(en))} and {sorted(placeholders(ko))} in {en!r}"
        )
    texts = {
        language: templates[language].format(
            **{name: _in(language, value) for name, value in values.items()}
        )
        for language in LANGUAGES
    }
    shown = texts[_language]
    _said[shown] = texts
    return shown


def remember(text: str, texts: dict[str, str]) -> None:
    """Know ``texts`` as the languages of ``text``, a message that was not made by :func:`msg`
    (a stub's ``NotImplementedError``, which the learner's file raises in English)."""
    _said[text] = texts


def _in(language: str, value: object) -> object:
    if isinstance(value, str) and value in _said:
        return _said[value][language]
    return value


def placeholders(template: str) -> set[str]:
    """The names of a template's ``{placeholders}`` (``{shape!r:>8}`` counts as ``shape``)."""
    names = set()
    for _, field, _, _ in string.Formatter().parse(template):
        if field is not None:
            names.add(field.split(".")[0].split("[")[0])
    return names


def in_every_language(text: str) -> dict[str, str]:
    """``text`` in each language: every message :func:`msg` returned that it contains is
    replaced by its twin, the longest first (a message that holds another is one unit)."""
    # pytest indents an assert message's later lines by two spaces in the failure it shows.
    forms = [(said, twins, lambda s: s) for said, twins in _said.items()]
    forms += [
        (said.replace("\n", INDENT), twins, lambda s: s.replace("\n", INDENT))
        for said, twins in _said.items()
        if "\n" in said
    ]
    found = sorted(
        (form for form in forms if form[0] and form[0] in text), key=lambda f: -len(f[0])
    )
    versions = {}
    for language in LANGUAGES:
        version = text
        for said, twins, shape in found:
            version = version.replace(said, shape(twins[language]))
        versions[language] = version
    return versions


def forget() -> None:
    """Start a new test: what earlier tests said can no longer be in its failure."""
    _said.clear()
