"""BAG code list of Dutch buildings: what they are used for (3D BAG and other CityJSON from the BAG).

Source: Kadaster, Catalogus Basisregistraties Adressen en Gebouwen 2018, value list gebruiksdoel
(of a verblijfsobject; the BAG's eleven "functies" of the Bouwbesluit). The readers put the value in
``function`` (from the attributes ``function``, ``usage`` or ``gebruiksdoel``). A building's words,
shared with the AdV building functions where they mean the same.
"""

from __future__ import annotations

from django.utils.translation import pgettext_lazy

USES = {
    "woonfunctie": pgettext_lazy("building function", "Residential building"),
    "bijeenkomstfunctie": pgettext_lazy("building function", "Assembly building"),
    "celfunctie": pgettext_lazy("building function", "Detention building"),
    "gezondheidszorgfunctie": pgettext_lazy("building function", "Building for health care"),
    "industriefunctie": pgettext_lazy("building function", "Industrial building"),
    "kantoorfunctie": pgettext_lazy("building function", "Office building"),
    "logiesfunctie": pgettext_lazy("building function", "Building for accommodation"),
    "onderwijsfunctie": pgettext_lazy("building function", "School building"),
    "sportfunctie": pgettext_lazy("building function", "Building for sports"),
    "winkelfunctie": pgettext_lazy("building function", "Commercial building"),
    "overige gebruiksfunctie": pgettext_lazy("building function", "Building for other uses"),
}


def use(value: str) -> str:
    """The name of a BAG use (gebruiksdoel) as a kind of building, "" for anything else."""
    label = USES.get((value or "").strip().lower())
    return str(label) if label is not None else ""
