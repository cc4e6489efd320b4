"""The operator UI in Italian (the default and the source language) or English (docs/i18n.md).

The msgids are the Italian strings themselves, so the Italian UI is the text of the templates
and modules as written; ``translations/en/LC_MESSAGES/messages.po`` gives their English.

- Templates: ``{{ _("Testo") }}``, ``{{ _("Ciao %(nome)s", nome=x) }}`` (Flask-Babel's Jinja
  gettext: a literal ``%`` is written ``%%``).
- Python: ``from .i18n import _`` where the text is built during a request; ``N_("Testo")``
  marks a module-level constant for extraction, translated where it is shown (``_(CONSTANT)``).
- Tables of words (intake's ``contracts/vocabulary.json``, partners'
  ``contracts/partners-vocabulary.json``, the gateway's tables in
  :mod:`labels`, :mod:`error_texts`, :mod:`access_log`) are translated at lookup time; the
  extractor :func:`extract_tables` (``babel.cfg``) puts their Italian into the catalogue.

Who reads which language: a signed-in operator the one stored with the account
(``operators.language``, chosen in the header); before signing in the ``abitare_lang`` cookie,
else the browser's ``Accept-Language`` (best of it/en, default it). The API is not translated:
its problem+json keeps its own English/Italian (:func:`errors.api_language`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from flask import Flask, request
from flask_babel import Babel, get_locale, gettext

LANGUAGES = ("it", "en")
DEFAULT = "it"
COOKIE = "abitare_lang"
NAMES = {"it": "Italiano", "en": "English"}  # each in its own language: never translated


def _(text: str, **variables) -> str:
    """The current language's words for the Italian ``text`` (``%(name)s`` filled from
    ``variables``). Outside a request: the Italian."""
    return gettext(text, **variables) if variables else gettext(text)


def N_(text: str) -> str:
    """Marks ``text`` for the catalogue; translate it where it is shown."""
    return text


def language() -> str:
    """``"it"`` or ``"en"``: the language of the page being built."""
    locale = get_locale()
    return locale.language if locale is not None and locale.language in LANGUAGES else DEFAULT


def chosen(value: str | None) -> str | None:
    return value if value in LANGUAGES else None


def select_locale() -> str:
    if request.path.startswith("/api"):
        return DEFAULT
    from .auth import current_operator

    operator = current_operator()
    if operator is not None:
        return chosen(operator.language) or DEFAULT
    return chosen(request.cookies.get(COOKIE)) or (
        request.accept_languages.best_match(LANGUAGES, default=DEFAULT)
    )


def init_app(app: Flask) -> None:
    Babel(
        app,
        locale_selector=select_locale,
        default_locale=DEFAULT,
        default_translation_directories=str(Path(__file__).parent / "translations"),
    )
    app.jinja_env.globals.update(page_language=language, language_names=NAMES)


# -- extraction (babel.cfg) ------------------------------------------------------------------
def table_texts(path: Path) -> Iterator[str]:
    """The Italian words of a table file: intake's or partners' vocabulary (their labels, not
    their codes: ``tables``, and partners' ``service_outcome`` by service) or a module's words
    (``labels``, ``error_texts``, ``access_log``: each lists its own)."""
    if path.suffix == ".json":
        contract = json.loads(path.read_text(encoding="utf-8"))
        for table in contract["tables"].values():
            yield from table.values()
        for table in contract.get("service_outcome", {}).values():
            yield from table.values()
        return
    from . import access_log, error_texts, labels

    modules = {"labels.py": labels, "error_texts.py": error_texts, "access_log.py": access_log}
    yield from modules[path.name].catalogue_texts()


def extract_tables(fileobj, keywords, comment_tags, options):
    """Babel extractor for the table files: their words, and a module's own ``_()`` too."""
    path = Path(fileobj.name)
    if path.suffix == ".py":
        from babel.messages.extract import extract_python

        yield from extract_python(fileobj, keywords, comment_tags, options)
    for text in dict.fromkeys(table_texts(path)):
        yield 0, None, text, []
