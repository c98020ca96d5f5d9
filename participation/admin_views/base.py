"""What every staff view of the admin shares: one check of a named permission of ``participation.rules``."""

import functools

from django.core.exceptions import PermissionDenied
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from participation.rules import allows


def require_permission(request, permission: str, obj=None) -> None:
    """The one check of the staff views: a named permission of ``participation.rules``, else 403."""
    if not allows(permission, request.user, obj):
        raise PermissionDenied


def staff_view(permission: str):
    """Decorates a function view of the admin with ``require_permission``."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            require_permission(request, permission)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


class StaffView(WagtailAdminTemplateMixin, TemplateView):
    """An admin page for staff holding ``permission`` (a rule of ``participation.rules``)."""

    permission: str

    def dispatch(self, request, *args, **kwargs):
        require_permission(request, self.permission, self.get_permission_object(**kwargs))
        return super().dispatch(request, *args, **kwargs)

    def get_permission_object(self, **kwargs):
        """What the permission is asked about (e.g. the consultation exported); None: the permission alone."""
        return None

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]
