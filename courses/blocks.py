"""StreamField blocks for course descriptions. Presentation of them lives in cms templates."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

COURSE_BODY_BLOCKS = [
    ("heading", blocks.CharBlock(form_classname="title", label=_("標題"))),
    ("paragraph", blocks.RichTextBlock(features=["bold", "italic", "ol", "ul", "link"], label=_("段落"))),
    (
        "agenda",
        blocks.ListBlock(
            blocks.StructBlock(
                [
                    ("subject", blocks.CharBlock(label=_("課目"))),
                    ("hours", blocks.DecimalBlock(min_value=0, decimal_places=1, label=_("時數"))),
                    ("lecturer", blocks.CharBlock(required=False, label=_("講座"))),
                ]
            ),
            label=_("課程表"),
        ),
    ),
    ("quote", blocks.BlockQuoteBlock(label=_("引言"))),
]

LEARNING_OUTCOME_BLOCKS = [("outcome", blocks.CharBlock(label=_("學習成果")))]
