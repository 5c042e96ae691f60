"""Language selection: Vietnamese is the source and default language; English on request.

The visitor's choice is kept in the session (set by the switcher, a POST form in the header).
"""
from __future__ import annotations

from flask import Flask, current_app, has_request_context, session
from flask_babel import get_translations, refresh
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
