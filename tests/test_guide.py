"""The public guide: the catalogue as a readable BPO vs KPO guide.

The tests loop over whatever the catalogue holds, so they keep checking every
row as the fixture grows.
"""

from __future__ import annotations

from html.parser import HTMLParser
from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from decisions.models import (
    Activity,
    Benefit,
    Criterion,
    DeliveryOption,
    Disagreement,
    Industry,
    Reading,
    Source,
    SourcingModel,
)
from decisions.vocabulary import DeliveryKind
from tests import factories

pytestmark = pytest.mark.django_db

VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "wbr"}


class _Page(HTMLParser):
    """Collects, for every element with an id, its text and the links inside it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open_ids: list[str | None] = []
        self.text: dict[str, list[str]] = {}
        self.links: dict[str, list[str]] = {}
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.all_links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "a" and attributes.get("href"):
            self.all_links.append(str(attributes["href"]))
            for element_id in filter(None, self.open_ids):
                self.links.setdefault(element_id, []).append(str(attributes["href"]))
        if tag not in VOID_ELEMENTS:
            self.open_ids.append(attributes.get("id"))

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID_ELEMENTS and self.open_ids:
            self.open_ids.pop()

    def handle_data(self, data: str) -> None:
        for element_id in filter(None, self.open_ids):
            self.text.setdefault(element_id, []).append(data)

    def text_of(self, element_id: str) -> str:
        assert element_id in self.text, f"no element #{element_id} on the page"
        return squash("".join(self.text[element_id]))


def squash(text: str) -> str:
    return " ".join(text.split())


def get_guide(client) -> tuple[object, _Page]:
    response = client.get(reverse("decisions:guide"))
    assert response.status_code == HTTPStatus.OK
    page = _Page()
    page.feed(response.content.decode())
    return response, page


@pytest.fixture
def guide(client, catalogue):
    return get_guide(client)[1]


def test_it_is_public(client, catalogue):
    response, page = get_guide(client)

    assert "decisions/guide.html" in [t.name for t in response.templates]
    assert "BPO or KPO?" in page.text_of("content")
    # The sign-in call to action is offered, not forced.
    assert reverse("login") in " ".join(page.links["content"])


def test_it_compares_every_criterion_under_bpo_and_kpo(guide):
    criteria = list(Criterion.objects.prefetch_related("sources"))
    assert criteria

    for criterion in criteria:
        row = guide.text_of(f"criterion-{criterion.slug}")
        assert squash(criterion.name) in row
        assert squash(criterion.explanation) in row
        assert squash(criterion.bpo_side) in row
        assert squash(criterion.kpo_side) in row
        for source in criterion.sources.all():
            assert f"#source-{source.slug}" in guide.links[f"criterion-{criterion.slug}"]


def test_it_shows_the_sourcing_models(guide):
    models = list(SourcingModel.objects.select_related("specialises"))
    assert models

    for model in models:
        card = guide.text_of(f"model-{model.slug}")
        assert squash(model.name) in card
        assert squash(model.definition) in card
        if model.specialises is not None:
            assert squash(model.specialises.name) in card


def test_it_groups_every_activity_under_its_typical_model(guide):
    activities = list(Activity.objects.select_related("typical_model", "office"))
    assert activities

    for activity in activities:
        group = guide.text_of(f"activities-{activity.typical_model.slug}")
        assert squash(activity.name) in group
        entry = guide.text_of(f"activity-{activity.slug}")
        assert squash(activity.description) in entry
        if activity.office is not None:
            assert squash(activity.office.name) in entry


def test_it_shows_delivery_options_industries_and_benefits(guide):
    assert DeliveryOption.objects.exists()
    for option in DeliveryOption.objects.all():
        entry = guide.text_of(f"delivery-{option.slug}")
        assert squash(option.name) in entry
        assert squash(option.description) in entry

    assert Industry.objects.exists()
    for industry in Industry.objects.select_related("typical_model"):
        assert squash(industry.name) in guide.text_of(f"industries-{industry.typical_model.slug}")

    assert Benefit.objects.exists()
    for benefit in Benefit.objects.all():
        entry = guide.text_of(f"benefit-{benefit.slug}")
        assert squash(benefit.name) in entry
        assert squash(benefit.description) in entry
        assert squash(benefit.caveat) in entry


def test_it_shows_every_reading_of_each_disagreement_with_its_source(guide):
    disagreements = list(
        Disagreement.objects.prefetch_related("readings__source").order_by("order", "slug")
    )
    assert disagreements

    for disagreement in disagreements:
        readings = list(disagreement.readings.all())
        assert len(readings) >= 2, f"{disagreement.slug} needs at least two readings"
        block = guide.text_of(f"disagreement-{disagreement.slug}")
        assert squash(disagreement.topic) in block
        for reading in readings:
            assert squash(reading.statement) in block
            assert squash(reading.source.title) in block
            assert (
                f"#source-{reading.source.slug}" in guide.links[f"disagreement-{disagreement.slug}"]
            )


def test_it_lists_the_source_documents(guide):
    sources = list(Source.objects.all())
    assert sources

    for source in sources:
        entry = guide.text_of(f"source-{source.slug}")
        assert squash(source.title) in entry
        assert source.file_name in entry


def test_post_is_not_allowed(client, catalogue):
    response = client.post(reverse("decisions:guide"))

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_its_query_count_does_not_grow_with_the_catalogue(
    client, catalogue, django_assert_max_num_queries
):
    url = reverse("decisions:guide")
    cache.clear()  # both requests below must render the catalogue, not reuse a cached page
    with django_assert_max_num_queries(20), CaptureQueriesContext(connection) as before:
        client.get(url)

    source = factories.SourceFactory()
    models = list(SourcingModel.objects.all())
    for model in models:
        activity = factories.ActivityFactory(typical_model=model)
        activity.sources.add(source)
        industry = Industry.objects.create(
            slug=f"extra-{model.slug}", name="Extra", typical_model=model
        )
        industry.sources.add(source)
    criterion = factories.CriterionFactory()
    criterion.sources.add(source)
    option = DeliveryOption.objects.create(
        slug="extra-option", name="Extra", kind=DeliveryKind.LOCATION, description="More."
    )
    option.sources.add(source)
    benefit = Benefit.objects.create(slug="extra-benefit", name="Extra", description="More.")
    benefit.sources.add(source)
    benefit.sourcing_models.set(models)
    disagreement = Disagreement.objects.create(slug="extra-disagreement", topic="Extra")
    Reading.objects.create(disagreement=disagreement, statement="Yes.", source=source)
    Reading.objects.create(disagreement=disagreement, statement="No.", source=source)

    with CaptureQueriesContext(connection) as after:
        response = client.get(url)

    assert "extra-disagreement" in response.content.decode()
    assert len(after) == len(before)


def test_the_catalogue_is_read_once_per_catalogue_version(client, catalogue):
    url = reverse("decisions:guide")
    client.get(url)
    with CaptureQueriesContext(connection) as again:
        response = client.get(url)
    assert [q["sql"] for q in again] == [again[0]["sql"]]  # the catalogue version, nothing more
    assert "decisions_catalogueversion" in again[0]["sql"]
    Benefit.objects.filter(slug="cost-savings").update(name="Lower running costs")
    assert "Lower running costs" in client.get(url).content.decode()
    assert response.status_code == 200


def test_page_has_no_inline_script_style_or_handlers(guide):
    """The strict CSP would block them: everything comes from static files."""
    for tag, attributes in guide.tags:
        if tag == "script":
            assert attributes.get("src"), "inline <script>"
        assert tag != "style"
        assert "style" not in attributes
        assert not [name for name in attributes if name.startswith("on")]


def test_navigation_shows_admin_only_to_staff(client, catalogue, manager, staff):
    admin_url = reverse("admin:index")

    client.force_login(manager)
    _, page = get_guide(client)
    assert admin_url not in page.all_links

    client.force_login(staff)
    _, page = get_guide(client)
    assert admin_url in page.all_links


def test_signed_in_user_signs_out_with_a_post_form(client, catalogue, manager):
    client.force_login(manager)
    _, page = get_guide(client)

    sign_out = [
        attrs
        for tag, attrs in page.tags
        if tag == "form" and attrs.get("action") == reverse("logout")
    ]
    assert len(sign_out) == 1
    assert sign_out[0]["method"] == "post"
