import pytest

from cms.demo import load_pages
from cms.models import CatalogPage


@pytest.fixture
def catalog(db) -> CatalogPage:
    """The page tree as load_demo builds it: home at `/`, catalog at `/catalog/`, a page per topic."""
    load_pages()
    return CatalogPage.objects.get()
