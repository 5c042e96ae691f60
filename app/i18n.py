"""Language selection: Vietnamese is the source and default language; English on request.

The visitor's choice is kept in the session (set by the switcher, a POST form in the header).
"""
from __future__ import annotations

from collections.abc import Mapping

from flask import Flask, current_app, has_request_context, session
from flask_babel import get_translations, refresh
from flask_babel.speaklater import LazyString
from jinja2.ext import _make_new_gettext, _make_new_ngettext

from app.extensions import babel


def select_locale() -> str:
    """The language of the current request: the visitor's choice, else Vietnamese."""
    if not has_request_context():  # CLI, workers: the source language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    lang = session.get("lang")
    if lang in current_app.config["LANGUAGES"]:
        return lang
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def init_i18n(app: Flask) -> None:
    """Bind Flask-Babel with our locale selector and expose the current language to templates."""
    babel.init_app(app, locale_selector=select_locale)
    # Flask-Babel caches the locale on `g`; a request must never inherit another's language.
    app.before_request(refresh)

    @app.context_processor
    def _inject_lang():
        return {"current_lang": select_locale(), "languages": app.config["LANGUAGES"]}

    @app.context_processor
    def _request_gettext():
        # The catalog of this request, looked up once per page: Flask-Babel's own callables look
        # it up again on every `_()`, a few hundred times a page (a tenth of the inbox's time).
        # The same new-style wrappers as Jinja's i18n extension (formatting, autoescape).
        translations = get_translations()
        return {"gettext": _make_new_gettext(translations.ugettext),
                "ngettext": _make_new_ngettext(translations.ungettext)}


class PageLabels(Mapping):
    """A label table (code → lazy label) as one page reads it: each label translated once per page.

    A list of 25 petitions read `KIND_LABELS[p.kind]` and its like some hundred times, and each
    lazy label looked the catalog up again (`LazyString.__html__`: a twentieth of the inbox's time).
    """

    __slots__ = ("_table", "_done")

    def __init__(self, table: Mapping) -> None:
        self._table = table
        self._done: dict = {}

    def __getitem__(self, key):
        try:
            return self._done[key]
        except KeyError:
            value = self._table[key]
            if isinstance(value, LazyString):
                value = str(value)
            self._done[key] = value
            return value

    def __iter__(self):
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)


def expose_label_tables(app: Flask, **tables: Mapping) -> None:
    """Give templates these label tables by name, each page its own `PageLabels` of them."""
    registry = app.extensions.setdefault("label_tables", {})
    if not registry:
        @app.context_processor
        def _page_labels():
            return {name: PageLabels(table) for name, table in registry.items()}
    registry.update(tables)
    app.jinja_env.globals.update(tables)  # outside a request (e-mails, the CLI): the tables themselves
