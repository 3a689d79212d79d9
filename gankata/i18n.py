"""The runner speaks English and Korean: which one, and its words in each.

The language is chosen once per run, in this order: ``gankata --lang ko|en``, then the
environment variable ``GANKATA_LANG``, then the locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``;
``ko_KR.UTF-8`` and any other ``ko*`` locale give Korean), else English. The runner's words
live in ``messages.toml``, one table per language with the same keys; the katas' titles,
summaries and hints live in the curriculum manifests (``curriculum.toml`` and
``curriculum.ko.toml``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from gankata.tomlfile import read_toml

LANGUAGES = ("en", "ko")
DEFAULT = "en"
LANG_ENV = "GANKATA_LANG"
MESSAGES = Path(__file__).with_name("messages.toml")
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


@cache
def messages() -> dict[str, dict[str, str]]:
    return read_toml(MESSAGES)


def t(key: str, **values: object) -> str:
    """The message ``key`` in the current language, with ``values`` filled in."""
    return messages()[_current][key].format(**values)
