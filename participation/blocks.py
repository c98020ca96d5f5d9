"""StreamField blocks for consultation and proposal bodies."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageBlock


class BodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(
        label=_("Heading"), max_length=120, form_classname="title", template="participation/blocks/heading.html"
    )
    paragraph = blocks.RichTextBlock(label=_("Paragraph"), features=["bold", "italic", "link", "ol", "ul", "h3", "h4"])
    image = ImageBlock(label=_("Image"))
    quote = blocks.StructBlock(
        [
            ("text", blocks.TextBlock(label=_("Quote"))),
            ("source", blocks.CharBlock(label=_("Source"), required=False)),
        ],
        label=_("Quote"),
        template="participation/blocks/quote.html",
    )

    class Meta:
        label = _("Body")
