"""A bulk run renders each class's text once and puts each name in: exactly what a full render gives."""

import pytest

from notices.models import NoticeKind, NoticeLanguage, NoticeTemplate
from notices.rendering import Renderer, sample_context

pytestmark = pytest.mark.django_db

NAMES = [
    "王小明",
    "Wang Hsiao-ming",
    "Wang  Hsiao-ming",  # a run of spaces: the subject collapses it, so the name is rendered in full
    " 前後空白 ",
    "http://evil.example/x",
    "<b>陳&amp;林</b>",
    'O\'Brien "Q"',
    "",
]


def _shared(kind, language):
    context = sample_context(kind, language)
    del context["person_name"]
    return context


@pytest.mark.parametrize("language", NoticeLanguage.values)
@pytest.mark.parametrize("kind", NoticeKind.values)
def test_every_default_text_renders_the_same_once_per_class_as_in_full(kind, language):
    renderer, full = Renderer(), Renderer()
    shared = _shared(kind, language)
    for name in NAMES:
        expected = full.render(kind=kind, language=language, context={"person_name": name, **shared})
        assert renderer.render_for(kind=kind, language=language, shared=shared, person_name=name) == expected


@pytest.mark.parametrize(
    "body",
    [
        "{{ person_name|upper }} 您好：\n\n{{ course_title }}",  # a filter: rendered in full
        "{% if person_name %}{{ person_name }}{% endif %} 您好",  # used in a tag
        "詳見 {{ link }}{{ person_name }}",  # a link runs into the name: the HTML is built per notice
        "{{ person_name }}\n\n{{ person_name }}：{{ link }}",
    ],
)
def test_staff_texts_that_use_the_name_otherwise_render_the_same(body):
    NoticeTemplate.objects.update_or_create(
        kind=NoticeKind.SESSION_REMINDER,
        language="zh-hant",
        defaults={"subject": "提醒 {{ person_name }} {{ course_title }}", "body": body},
    )
    renderer, full = Renderer(), Renderer()
    shared = _shared(NoticeKind.SESSION_REMINDER, "zh-hant")
    for name in NAMES:
        context = {"person_name": name, **shared}
        expected = full.render(kind=NoticeKind.SESSION_REMINDER, language="zh-hant", context=context)
        got = renderer.render_for(kind=NoticeKind.SESSION_REMINDER, language="zh-hant", shared=shared, person_name=name)
        assert got == expected


def test_a_context_that_names_the_person_itself_wins_as_in_a_full_render():
    shared = {**_shared(NoticeKind.SESSION_REMINDER, "en"), "person_name": "Officer Li"}
    subject, text, _html = Renderer().render_for(
        kind=NoticeKind.SESSION_REMINDER, language="en", shared=shared, person_name="Wang"
    )
    assert "Officer Li" in text and "Wang" not in text
