"""Wagtail pages that present the catalog: a home page, the catalog with a page per course, topic pages.

Courses, offerings, paths and tracks are `courses` models edited as snippets; the catalog page
routes `course/<code>/`, `paths/<code>/` and `certifications/<code>/` to them, so a course has
exactly one public URL and the same template renders its admin preview.
"""

from __future__ import annotations

from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page

from cms.filters import CourseFilter
from courses.models import CertificationTrack, Course, LearningPath, Topic
from courses.selectors import upcoming_offerings


class HomePage(Page):
    """The site's front page (`/`). No PII."""

    intro = RichTextField(_("首頁介紹"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["cms.CatalogPage"]
    max_count = 1

    class Meta:
        verbose_name = _("首頁")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        catalog = CatalogPage.objects.live().first()
        context["catalog"] = catalog
        context["topics"] = catalog.get_children().live().type(TopicPage).specific() if catalog else []
        return context


class CatalogPage(RoutablePageMixin, Page):
    """The public course catalog: filters, full-text search, and one routed page per course. No PII."""

    intro = RichTextField(_("介紹"), blank=True)
    courses_per_page = 20

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.TopicPage"]

    class Meta:
        verbose_name = _("課程目錄")

    @path("")
    def index_route(self, request):
        course_filter = CourseFilter(request.GET or None, queryset=Course.objects.published(), request=request)
        courses = course_filter.qs
        from django.core.paginator import Paginator

        page = Paginator(courses, self.courses_per_page).get_page(request.GET.get("page"))
        return self.render(
            request,
            context_overrides={"filter": course_filter, "page_obj": page, "courses": page.object_list},
        )

    @path("course/<str:code>/", name="course")
    def course_route(self, request, code: str):
        course = get_object_or_404(Course.objects.published(), code=code)
        return TemplateResponse(
            request,
            "cms/course_detail.html",
            {"page": self, "self": self, "course": course, "offerings": upcoming_offerings(course=course)},
        )

    @path("paths/", name="paths")
    def paths_route(self, request):
        return TemplateResponse(
            request, "cms/path_list.html", {"page": self, "paths": LearningPath.objects.prefetch_related("steps")}
        )

    @path("paths/<str:code>/", name="path")
    def path_route(self, request, code: str):
        learning_path = get_object_or_404(LearningPath, code=code)
        return TemplateResponse(request, "cms/path_detail.html", {"page": self, "path": learning_path})

    @path("certifications/", name="certifications")
    def certifications_route(self, request):
        tracks = CertificationTrack.objects.prefetch_related("assessments", "required_courses")
        return TemplateResponse(request, "cms/certification_list.html", {"page": self, "tracks": tracks})

    @path("certifications/<str:code>/", name="certification")
    def certification_route(self, request, code: str):
        track = get_object_or_404(CertificationTrack.objects.prefetch_related("assessments"), code=code)
        return TemplateResponse(request, "cms/certification_detail.html", {"page": self, "track": track})

    def course_url(self, course: Course) -> str:
        return self.url + self.reverse_subpage("course", kwargs={"code": course.code})


class TopicPage(Page):
    """A topic landing page (AI, 淨零, 性別主流化 …) listing that topic's published courses. No PII."""

    topic = models.OneToOneField(Topic, on_delete=models.PROTECT, related_name="page", verbose_name=_("主題"))
    intro = RichTextField(_("介紹"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("topic"), FieldPanel("intro")]
    parent_page_types = ["cms.CatalogPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("主題頁")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["catalog"] = self.get_parent().specific
        context["courses"] = (
            Course.objects.published().filter(topics=self.topic).prefetch_related("topics").order_by("code")
        )
        return context

    def serve(self, request, *args, **kwargs):
        if not self.topic_id:
            raise Http404
        return super().serve(request, *args, **kwargs)
