"""Turning a notice's context into subject, plain text and HTML, in the recipient's language.

Staff texts are Django templates compiled by a private engine with autoescape off (the text
part is plain text); the HTML part is that text escaped, with links and line breaks, in the
e-mail layout. A Renderer compiles each kind's template once, so a bulk run of 50,000 notices
compiles a handful of templates, not 50,000 (bench/notices.py).

A bulk run also renders each class's text once, not once per trainee: the recipients of one
session day share every variable but their name, so `render_for` renders the templates with a
placeholder for {{ person_name }} and puts each name in. It does so only when the result is
exactly what a full render gives: the template uses the name only as plain {{ person_name }}
(no filter, no tag), and the name cannot change the text around it (no runs of white space,
nothing a link could start or run into). Otherwise it renders in full (docs/notices.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.template import Context, Engine, TemplateSyntaxError
from django.template.base import VariableNode
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import override

from notices import defaults

_ENGINE = Engine(autoescape=False)

_HTML_LAYOUT = (
    '<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title></head>'
    '<body style="font-family:sans-serif;line-height:1.6;color:#1a1a1a;max-width:40em">'
    "<p>{body}</p></body></html>"
)


# Links in the text become anchors. A plain pattern rather than Django's urlize, which costs
# more than the rest of the rendering together in a bulk run; the text is escaped first.
_LINK = re.compile(r"(https?://(?:[^\s<>&\"']|&amp;)+)")


def to_html(*, subject: str, text: str, language: str) -> str:
    paragraphs = "</p><p>".join(
        _LINK.sub(r'<a href="\1">\1</a>', escape(block)).replace("\n", "<br>")
        for block in text.strip().split("\n\n")
        if block.strip()
    )
    return _HTML_LAYOUT.format(
        lang="zh-Hant-TW" if language == "zh-hant" else language, title=escape(subject), body=paragraphs
    )


NAME = "person_name"
_SLOT = "\x00person_name\x00"  # cannot occur in a rendered text: NUL is in no template or value


def _name_only_in_plain_slots(template, source: str) -> bool:
    """Every mention of person_name in the source is a bare {{ person_name }} (no filter, no tag)."""
    plain = [
        node
        for node in template.nodelist.get_nodes_by_type(VariableNode)
        if not node.filter_expression.filters and getattr(node.filter_expression.var, "lookups", None) == (NAME,)
    ]
    return len(plain) == source.count(NAME)


def _slot_safe(name: str) -> bool:
    """Putting `name` where the placeholder was gives what rendering with it would: the white-space
    collapsing of the subject, the paragraphs and the links of the HTML are unchanged."""
    return bool(name) and " ".join(name.split()) == name and "http" not in name and _SLOT not in name


@dataclass
class _Shared:
    """One class's notice rendered with the name placeholder, for the context object it came from."""

    context: dict
    subject: str
    text: str
    html: str | None  # None: a link runs into the name, so the HTML is built per notice


class Renderer:
    """Renders notices with the texts in the database (falling back to notices/defaults.py), each compiled once."""

    def __init__(self) -> None:
        from notices.models import NoticeTemplate

        self._stored = {(t.kind, t.language): (t.subject, t.body) for t in NoticeTemplate.objects.all()}
        self._compiled: dict[tuple[str, str], tuple] = {}
        self._shared: dict[tuple[str, str], _Shared] = {}

    def _templates(self, kind: str, language: str):
        key = (kind, language)
        if key not in self._compiled:
            subject, body = self._stored.get(key) or defaults.default_text(kind, language)
            subject_t, body_t = _ENGINE.from_string(subject), _ENGINE.from_string(body)
            slottable = _name_only_in_plain_slots(subject_t, subject) and _name_only_in_plain_slots(body_t, body)
            self._compiled[key] = (subject_t, body_t, slottable)
        return self._compiled[key]

    def _render_texts(self, kind: str, language: str, context: dict) -> tuple[str, str]:
        subject_template, body_template, _slottable = self._templates(kind, language)
        with override(language):
            ctx = Context(context, autoescape=False)
            subject = " ".join(subject_template.render(ctx).split())
            text = body_template.render(ctx).strip() + "\n"
        return subject, text

    def render(self, *, kind: str, language: str, context: dict) -> tuple[str, str, str]:
        subject, text = self._render_texts(kind, language, context)
        return subject, text, to_html(subject=subject, text=text, language=language)

    def render_for(self, *, kind: str, language: str, shared: dict, person_name: str) -> tuple[str, str, str]:
        """render() of {"person_name": person_name, **shared}, once per `shared` object and language.

        Drafts of one session day hand the same `shared` dict; only the last one per kind and
        language is kept, so a run of per-recipient contexts costs no memory.
        """
        slottable = self._templates(kind, language)[2]
        if not slottable or NAME in shared or not _slot_safe(person_name):
            return self.render(kind=kind, language=language, context={NAME: person_name, **shared})
        cached = self._shared.get((kind, language))
        if cached is None or cached.context is not shared:
            subject, text = self._render_texts(kind, language, {NAME: _SLOT, **shared})
            html = to_html(subject=subject, text=text, language=language)
            linked = any(_SLOT in link for link in _LINK.findall(escape(text)))
            cached = _Shared(context=shared, subject=subject, text=text, html=None if linked else html)
            self._shared[(kind, language)] = cached
        subject = cached.subject.replace(_SLOT, person_name)
        text = cached.text.replace(_SLOT, person_name)
        if cached.html is None:
            return subject, text, to_html(subject=subject, text=text, language=language)
        return subject, text, cached.html.replace(_SLOT, escape(person_name))


def sample_context(kind: str, language: str) -> dict:
    """What the preview and the template check render with: every variable any notice offers."""
    zh = language == "zh-hant"
    return {
        "person_name": "王小明" if zh else "Wang Hsiao-ming",
        "trainee_name": "王小明" if zh else "Wang Hsiao-ming",
        "officer_name": "李人事" if zh else "Li (HR officer)",
        "course_title": "公文寫作實務" if zh else "Official document writing",
        "offering_code": "115-DOC-01",
        "offering_details": (
            "上課日：民國115年3月2日（一）09:00–12:00\n地點：本中心 201 教室"
            if zh
            else "Class days: 2026-03-02 (Mon) 09:00–12:00\nVenue: Room 201"
        ),
        "position": 3,
        "reason": "名額優先保留予業務承辦人員" if zh else "Seats go first to the staff in charge of the subject",
        "by_staff": True,
        "awaiting_approval": False,
        "enrollment_status": "已錄取" if zh else "Enrolled",
        "changes": "上課地點" if zh else "venue",
        "session_date": "民國115年3月2日" if zh else "2026-03-02",
        "session_time": "09:00–12:00",
        "venue": "本中心 201 教室" if zh else "Room 201",
        "meeting_url": "",
        "hours": "6.0",
        "certificate_title": "環境教育人員" if zh else "Environmental educator",
        "certificate_number": "KCG115-ENV-00001",
        "valid_until": "民國120年3月1日" if zh else "2031-03-01",
        "verification_url": "https://lms.example/learning/verify/…/",
        "assessment_name": "採購法筆試" if zh else "Procurement law, written",
        "score": "82",
        "passed": True,
        "days_left": 30,
        "renewal_status": "尚需 12 小時（其中數位學習最多再採計 3 小時）。" if zh else "12 more hours needed.",
        "link": "https://lms.example/notices/",
    }


def render_sample(*, kind: str, language: str, subject: str, body: str) -> dict:
    subject_t, body_t = _ENGINE.from_string(subject), _ENGINE.from_string(body)
    with override(language):
        ctx = Context(sample_context(kind, language), autoescape=False)
        rendered_subject = " ".join(subject_t.render(ctx).split())
        text = body_t.render(ctx).strip() + "\n"
    return {
        "subject": rendered_subject,
        "text": text,
        "html": to_html(subject=rendered_subject, text=text, language=language),
    }


def template_errors(*, subject: str, body: str) -> dict[str, str]:
    errors = {}
    for field, source in (("subject", subject), ("body", body)):
        try:
            _ENGINE.from_string(source or "")
        except TemplateSyntaxError as error:
            errors[field] = _("範本語法錯誤：%(error)s") % {"error": error}
    return errors
