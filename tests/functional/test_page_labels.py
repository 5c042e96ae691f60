"""Label tables in templates: each page reads its own copy, translated once per page and in the
language of that page (app/i18n.py: PageLabels)."""
from __future__ import annotations

from flask import render_template_string, session
from flask_babel import refresh

from app.i18n import PageLabels
from app.petitions.labels import KIND_LABELS


def test_a_page_gets_labels_in_its_own_language(app):
    template = "{{ KIND_LABELS['complaint'] }} / {{ KIND_LABELS.get('proposal') }} / {{ KIND_LABELS|length }}"
    with app.test_request_context("/"):
        refresh()
        vi = render_template_string(template)
    with app.test_request_context("/"):
        session["lang"] = "en"
        refresh()  # as before every request (the test's app context outlives the two requests)
        en = render_template_string(template)
    assert vi.startswith("Khiếu nại / ") and en.startswith("Complaint / ")
    assert vi.endswith(f"/ {len(KIND_LABELS)}") and en.endswith(f"/ {len(KIND_LABELS)}")


def test_a_label_is_translated_once_per_page(app):
    calls = []

    class Counting(str):
        pass

    from flask_babel.speaklater import LazyString

    def translate(text):
        calls.append(text)
        return Counting(text.upper())

    table = {"a": LazyString(translate, "một"), "b": "plain"}
    with app.test_request_context("/"):
        labels = PageLabels(table)
        assert [labels["a"] for _ in range(25)] == ["MỘT"] * 25
        assert labels["b"] == "plain" and dict(labels.items()) == {"a": "MỘT", "b": "plain"}
        assert "a" in labels and labels.get("z", "?") == "?"
    assert calls == ["một"]
    # A new page, a new copy: translated again (its language may differ).
    assert PageLabels(table)["a"] == "MỘT" and calls == ["một", "một"]
