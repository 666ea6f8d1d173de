"""Admin change forms posted the way a browser would post them.

Every field of the rendered page (nested inlines included) is collected from
the HTML, a test changes a few, and the whole form is sent back.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from django.db import models
from django.urls import reverse

from decisions.models import AnswerOption, Criterion, Disagreement, OptionScore, Question


class FormFields(HTMLParser):
    """The name/value pairs a browser would submit for the admin change form."""

    def __init__(self) -> None:
        super().__init__()
        self.pairs: list[tuple[str, str]] = []
        self._in_form = False
        self._select: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form" and (
            a.get("id", "").endswith("_form") or a.get("id") == "changelist-form"
        ):
            self._in_form = True
        if not self._in_form or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in {"submit", "button", "file", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            self.pairs.append((name, a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.pairs.append((self._select, a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            # Browsers drop the newline that directly follows <textarea>.
            self.pairs.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None


def form_data(response: Any) -> dict[str, Any]:
    parser = FormFields()
    parser.feed(response.content.decode())
    data: dict[str, Any] = {}
    for name, value in parser.pairs:
        if name in data:
            data[name] = (
                [*data[name], value] if isinstance(data[name], list) else [data[name], value]
            )
        else:
            data[name] = value
    data["_save"] = "Save"
    return data


def admin_url(obj_or_model: Any, view: str, *args: Any) -> str:
    opts = obj_or_model._meta
    if view not in {"changelist", "add"} and not args:
        args = (obj_or_model.pk,)
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def catalogue_row(model: type[models.Model]) -> models.Model | None:
    """A shipped row of ``model``, one with children where its page has inlines (None: no row)."""
    if model is Criterion:
        return Criterion.objects.get(slug="complexity")
    if model is Question:
        return Question.objects.filter(criterion__slug="complexity").first()
    if model is AnswerOption:
        return AnswerOption.objects.filter(question__criterion__slug="complexity").first()
    if model is OptionScore:
        return OptionScore.objects.filter(option__question__criterion__slug="complexity").first()
    if model is Disagreement:
        return Disagreement.objects.filter(readings__isnull=False).distinct().first()
    return model._default_manager.order_by("pk").first()
