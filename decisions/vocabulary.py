"""The words the code and the catalogue share: one name for each, defined once.

Import these instead of writing the strings. Three kinds of word live here:

- **Sourcing model slugs** (``SourcingModel.slug``): the rows are catalogue
  data, but a few places name a model on purpose (BPO and KPO are the two
  poles of the portfolio chart; in-house is the demo's overridden decision).
- **Delivery kinds** (``DeliveryOption.kind``): delivery location, office
  and provider structure are each *one table* of ``DeliveryOption`` rows
  (onshore, nearshore, offshore; front office, back office; independent
  firm, captive division), each with its description and sources. Activities
  (their office), provider profiles (locations and offices served, structure)
  and the answer options of the profile questions refer to those rows by
  foreign key, never by a matching string.
- **Profile criteria slugs** (``Criterion.slug``): the two questions that do
  not score but refine the recommendation and the provider shortlist; each
  answers with delivery options of one kind (``PROFILE_DELIVERY_KINDS``).

Plain Python with no Django import, so the pure modules (the scoring engine,
``advice``, the demo profiles) use it too. The translated labels of the
delivery kinds sit with the model field (``DeliveryOption.kind``).
"""

from __future__ import annotations

from enum import StrEnum

# --- Sourcing models ---------------------------------------------------------------------------

BPO = "bpo"
KPO = "kpo"
LPO = "lpo"
IN_HOUSE = "in-house"


# --- Delivery options --------------------------------------------------------------------------


class DeliveryKind(StrEnum):
    LOCATION = "location"
    OFFICE = "office"
    STRUCTURE = "structure"


# --- Profile criteria --------------------------------------------------------------------------

DELIVERY_LOCATION_CRITERION = "delivery-location"
OFFICE_CRITERION = "office"

# The kind of delivery option each profile criterion's answer options point at. An option
# with no delivery option ("No preference", "Both") leaves the shortlist unrefined.
PROFILE_DELIVERY_KINDS: dict[str, DeliveryKind] = {
    DELIVERY_LOCATION_CRITERION: DeliveryKind.LOCATION,
    OFFICE_CRITERION: DeliveryKind.OFFICE,
}
