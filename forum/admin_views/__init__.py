"""The room's pages in the Wagtail admin, one module per topic (the presenter console, device set-up).

They share ``participation.admin_views.base`` (one check of a named permission) and stay thin: every
action calls a service of ``forum.services`` or ``participation.services``.
"""
