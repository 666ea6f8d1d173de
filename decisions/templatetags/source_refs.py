"""``{% source_refs obj.sources.all %}``: the discreet source tags beside a catalogue fact.

On a page whose context holds ``source_numbers`` (source pk -> number, as the
guide has), each tag is the document's number linking to its entry in the
page's "Sources" list (``#source-<slug>``). Elsewhere the tag shows the
document's title and links to that entry on the guide.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from decisions.models import Source

register = template.Library()


@register.simple_tag(takes_context=True)
def source_refs(context: template.Context, sources: Source | Iterable[Source] | None) -> str:
    if sources is None:
        return ""
    items = [sources] if isinstance(sources, Source) else list(sources)
    if not items:
        return ""
    numbers: dict[int, int] = context.get("source_numbers") or {}
    prefix = gettext("Source")
    tags: list[tuple[Any, ...]] = []
    for source in items:
        number = numbers.get(source.pk)
        described = f"{source.title} ({source.publisher})" if source.publisher else source.title
        if number is not None:
            tags.append((f"#source-{source.slug}", described, prefix, number))
        else:
            href = f"{reverse('decisions:guide')}#source-{source.slug}"
            tags.append((href, described, prefix, source.title))
    links: SafeString = format_html_join(
        " ",
        '<a class="source-ref" href="{}" title="{}"><span class="visually-hidden">{} </span>{}</a>',
        tags,
    )
    return format_html('<span class="source-refs">{}</span>', links)
