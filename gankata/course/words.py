"""The runner speaks English and Korean: which one, and its words in each.

The language is chosen once per run, in this order: ``gankata --lang ko|en``, then the
environment variable ``GANKATA_LANG``, then the locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``;
``ko_KR.UTF-8`` and any other ``ko*`` locale give Korean), else English. The runner's words
live in ``words.toml``; the katas' own words live in their cards (``cards/<kata>.toml``).
Both use one shape for a text in several languages: a table with one key per language
(``en = "..."``, ``ko = "..."``), read with :func:`pick`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from gankata.course.tomlfile import read_toml

LANGUAGES = ("en", "ko")
DEFAULT = "en"
LANG_ENV = "GANKATA_LANG"
WORDS = Path(__file__).with_name("words.toml")
# POSIX order: the first of these that is set decides.
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")

_current = DEFAULT


def _checked(language: str, source: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(
            f"{source} asks for language {language!r}, which gan-katas does not speak; "
            f"use one of {', '.join(LANGUAGES)} (for example --lang ko)."
        )
    return language


def choose_language(flag: str | None = None, environ: Mapping[str, str] = os.environ) -> str:
    """The language for this run: the flag, then GANKATA_LANG, then the locale, else English."""
    if flag:
        return _checked(flag, "--lang")
    if environ.get(LANG_ENV):
        return _checked(environ[LANG_ENV], LANG_ENV)
    for variable in LOCALE_VARIABLES:
        locale = environ.get(variable)
        if locale:
            return "ko" if locale.lower().startswith("ko") else DEFAULT
    return DEFAULT


def use_language(language: str) -> None:
    """Speak ``language`` from now on (the CLI and the notebook magic call this once per run)."""
    global _current
    _current = _checked(language, "use_language")


def current_language() -> str:
    return _current


def pick(text: Mapping[str, str], language: str) -> str:
    """One language of a text (a table of languages); English where that one is missing.

    The runner must always have words to show; the harness tests make sure none is missing.
    """
    return text.get(language) or text[DEFAULT]


@cache
def messages() -> dict[str, dict[str, str]]:
    """The runner's words by language, then by key: ``messages()["ko"]["table_title"]``."""
    table = read_toml(WORDS)
    return {lang: {key: pick(text, lang) for key, text in table.items()} for lang in LANGUAGES}


def t(key: str, **values: object) -> str:
    """The message ``key`` in the current language, with ``values`` filled in."""
    return say(_current, key, **values)


def say(language: str, key: str, **values: object) -> str:
    """The message ``key`` in ``language``, whatever the current one is (generated files)."""
    return messages()[language][key].format(**values)
