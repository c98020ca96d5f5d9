"""Which consultations a member of staff looks after: the scope of every custom admin view and listing.

One installation may serve several municipalities, each a Wagtail Site with its own root page. Wagtail's page
permissions (``GroupPagePermission``) already say who edits which part of the tree; the staff views follow the
same grants: a consultation is managed by the groups holding any page permission on it or on a page above it.
"""

from __future__ import annotations

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Length, Substr
from wagtail.models import GroupPagePermission

from participation.models import ConsultationPage


def _granted_above(path) -> QuerySet:
    """Page permissions on the page at ``path`` or on one above it (treebeard: an ancestor's path is a prefix)."""
    return GroupPagePermission.objects.filter(page__path=Substr(path, 1, Length(F("page__path"))))


def consultations_managed_by(*, user) -> QuerySet[ConsultationPage]:
    """The consultations ``user`` acts on in the admin, published or not: every one for a superuser; otherwise
    those lying under (or at) a page on which one of the user's groups holds a Wagtail page permission, of any
    type. No page permission, no consultation: the role groups (Moderators, Editors) say what staff do, page
    permissions say where, and staff whose groups hold none see nothing. Wagtail's migrations grant Moderators
    and Editors the tree's root, so on a single-site installation they manage every consultation; a city with
    several sites moves those grants to a group per site (README, "Staff per site").

    Lazy and one query; usable in filters (``consultation__in=...``) as a subquery."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ConsultationPage.objects.none()
    if user.is_superuser:
        return ConsultationPage.objects.all()
    granted = _granted_above(OuterRef("path")).filter(group__user=user.pk)
    return ConsultationPage.objects.filter(Exists(granted))


def managed_consultation_ids(*, user) -> frozenset[int] | None:
    """``consultations_managed_by`` as ids, kept on the user object for the request (menus and listing buttons ask
    once per row). None for a superuser: every consultation."""
    if user is None or not user.is_authenticated:
        return frozenset()
    if user.is_superuser:
        return None
    if not hasattr(user, "_managed_consultation_ids"):
        ids = consultations_managed_by(user=user).values_list("pk", flat=True)
        user._managed_consultation_ids = frozenset(ids)
    return user._managed_consultation_ids


def managed_published_consultations(*, user) -> QuerySet[ConsultationPage]:
    """The published consultations ``user`` manages, newest first (as the public list orders them)."""
    return consultations_managed_by(user=user).live().order_by("-participation_starts", "pk")


def managers_of(*, consultation: ConsultationPage) -> Q:
    """Users who manage ``consultation`` (a filter on the user model): superusers, and members of a group holding
    a page permission on it or above it."""
    steps = ConsultationPage.steplen
    above = [consultation.path[:end] for end in range(steps, len(consultation.path) + 1, steps)]
    granted = GroupPagePermission.objects.filter(group__user=OuterRef("pk"), page__path__in=above)
    return Q(is_superuser=True) | Q(Exists(granted))
