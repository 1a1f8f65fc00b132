"""Demo pages: the home page at `/`, the catalog at `/catalog/` and a topic page per topic. Idempotent."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from cms.models import CatalogPage, HomePage, TopicPage
from courses.models import Topic


def _ensure_root() -> Page:
    """Wagtail's tree root and default locale, which its migrations create; recreated after a flush."""
    root = Page.get_first_root_node()
    if root is None:
        Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
        root = Page.add_root(
            instance=Page(title="Root", slug="root", content_type=ContentType.objects.get_for_model(Page))
        )
        from cms.roles import grant_catalog_permissions

        grant_catalog_permissions()
    return root


@transaction.atomic
def load_pages() -> HomePage:
    home = HomePage.objects.first()
    if home is None:
        root = _ensure_root()
        # Wagtail's initial migration leaves a placeholder "Welcome" page holding the slug "home".
        for placeholder in root.get_children().filter(content_type__model="page", slug="home"):
            placeholder.delete()
        home = root.add_child(
            instance=HomePage(
                title="高雄市政府公務人力發展中心 學習平臺",
                slug="home",
                intro="<p>提供本府同仁實體、遠距同步與數位學習課程，涵蓋 AI、淨零、性別主流化、政府採購、資通安全等主題。</p>",
            )
        )
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="LMS")
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save()

    catalog = CatalogPage.objects.first()
    if catalog is None:
        catalog = home.add_child(
            instance=CatalogPage(
                title="課程目錄", slug="catalog", intro="<p>依主題、職能構面、上課方式、月份與對象篩選課程。</p>"
            )
        )
        catalog.save_revision().publish()

    for topic in Topic.objects.all():
        if TopicPage.objects.filter(topic=topic).exists():
            continue
        page = catalog.add_child(
            instance=TopicPage(title=topic.name, slug=topic.slug, topic=topic, intro=f"<p>{topic.description}</p>")
        )
        page.save_revision().publish()
    return home
