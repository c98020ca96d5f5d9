"""Finding twin objects by what people call them: name, address or street, what they are ("Kirche",
"church", "Brücke", "Wasser", in any of the site's languages) and twin id; ranked in the database.

Ranks: 0 the name or address is the query, 1 starts with it, 2 contains it, 3 the object is of a kind or
function the query names, 4 only its twin id contains the query. The same on SQLite and PostgreSQL
(plain LIKE; SQLite folds the case of ASCII letters only, so "äußere" does not find "Äußere" there).
"""

from __future__ import annotations

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from participation import twin_names
from participation.geometry import intersects as shapes_meet
from participation.models import (
    BUILDING_KINDS,
    KIND_SEARCH_WORDS,
    ConsultationPage,
    ConsultationTwinFeature,
    TwinFeature,
    TwinKind,
)
from participation.selectors.boxes import area_box, box_meets
from participation.selectors.site_scope import twin_features_on_site
from participation.selectors.sites import EVERY_SITE, SiteScope
from participation.selectors.twin import TWIN_HEAVY_FIELDS

TWIN_SEARCH_LIMIT = 20
TWIN_SEARCH_CANDIDATES = 200  # read at most this many before checking them against an area
ADV_PREFIX = "31001_"  # how the survey offices' LoD2 tiles write an AdV building function: "31001_3041"


def matching_kinds(query: str) -> list[str]:
    """The kinds whose name or search words contain the query, in any of the site's languages."""
    word = query.strip().casefold()
    if len(word) < twin_names.search.MIN_LENGTH:
        return []
    found = []
    for kind, label in TwinKind.choices:
        words = [label, KIND_SEARCH_WORDS.get(kind, "")]
        if any(word in twin_names.search.in_every_language(text) for text in words if text):
            found.append(kind)
    return found


def _prefixes(codes: list[str]) -> list[str]:
    """The AdV codes as prefixes, those inside a wider group left out: ["3", "304"] -> ["3"]."""
    kept: list[str] = []
    for prefix in sorted(map(twin_names.search.group_prefix, codes)):
        if not any(prefix.startswith(wider) for wider in kept):
            kept.append(prefix)
    return kept


def what_it_is(query: str) -> Q:
    """Objects that are what the query names: of a kind, a function or a roof form whose name contains it,
    or whose function in the data's own words does ("Gemeindestraße"). An empty match for none."""
    codes = twin_names.code_matches(query)
    condition = Q(pk__in=[])  # matches nothing: the start of an OR
    if kinds := matching_kinds(query):
        condition |= Q(kind__in=kinds)
    if codes.function_values:
        condition |= Q(function__in=codes.function_values)
    adv = Q()
    for prefix in _prefixes(codes.building_functions):
        adv |= Q(function__startswith=prefix) | Q(function__startswith=ADV_PREFIX + prefix)
    if adv:
        condition |= Q(kind__in=BUILDING_KINDS) & adv
    if codes.roof_forms:
        condition |= Q(kind__in=BUILDING_KINDS, roof_type__in=codes.roof_forms)
    if len(query) >= twin_names.search.MIN_LENGTH:
        condition |= Q(function__icontains=query)
    return condition


def ranked_search(query: str, features: QuerySet | None = None) -> QuerySet:
    """The objects (of ``features``, else all) the query finds, with their ``search_rank``, best first, then by
    name. The query is stripped; an empty one finds nothing."""
    features = TwinFeature.objects.all() if features is None else features
    query = (query or "").strip()
    if not query:
        return features.none()
    named = Q(name__iexact=query) | Q(address__iexact=query)
    prefix = Q(name__istartswith=query) | Q(address__istartswith=query)
    inside = Q(name__icontains=query) | Q(address__icontains=query)
    kind = what_it_is(query)
    rank = Case(
        When(named, then=Value(0)),
        When(prefix, then=Value(1)),
        When(inside, then=Value(2)),
        When(kind, then=Value(3)),
        default=Value(4),
        output_field=IntegerField(),
    )
    return (
        features.filter(inside | kind | Q(twin_id__icontains=query))
        .annotate(search_rank=rank)
        .order_by("search_rank", "name", "address", "twin_id")
    )


def search_twin_features(
    *,
    query: str,
    consultation: ConsultationPage | None = None,
    limit: int = TWIN_SEARCH_LIMIT,
    site: SiteScope = EVERY_SITE,
) -> list[TwinFeature]:
    """Twin objects the query finds (see the module), best first; with a consultation, only those a comment on
    it may be about (meeting its area, or tied to it), the tied ones first. Two queries."""
    query = (query or "").strip()
    if not query:
        return []
    features = twin_features_on_site(ranked_search(query), site=site).defer(*TWIN_HEAVY_FIELDS)
    bbox = area_box(consultation) if consultation is not None and consultation.area else None
    if bbox is None:
        return list(features[:limit])
    linked = set(ConsultationTwinFeature.objects.filter(page=consultation).values_list("twin_feature_id", flat=True))
    candidates = features.filter(Q(pk__in=linked) | box_meets(bbox))
    found = [
        f for f in candidates[:TWIN_SEARCH_CANDIDATES] if f.pk in linked or shapes_meet(consultation.area, f.geometry)
    ]
    found.sort(key=lambda f: f.pk not in linked)  # stable: the tied ones first, each part in rank order
    return found[:limit]
