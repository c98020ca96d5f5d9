"""Staff pages in the Wagtail admin (moderation, twin import), registered by ``participation.wagtail_hooks``."""
