"""The remembered route from an address to its page never outlives a change to the tree."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction

from klearmind.pages.models import ArticlePage, LocationIndexPage, LocationPage

from .test_pages import SEED_ARTICLE, DemoSiteTestCase


class RouteCacheTests(DemoSiteTestCase):
    def queries_for(self, path: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(path)
        assert response.status_code == 200
        return len(queries)

    def test_a_remembered_route_saves_the_walk_down_the_tree(self):
        first = self.queries_for(SEED_ARTICLE)
        second = self.queries_for(SEED_ARTICLE)
        assert first - second >= 3

    def test_an_unpublished_page_is_gone_at_once(self):
        self.queries_for(SEED_ARTICLE)
        article = ArticlePage.objects.get(
            url_path__endswith="/ketamine-therapy-a-proven-medicine-with-a-new-purpose/"
        )
        article.unpublish()
        assert self.client.get(SEED_ARTICLE).status_code == 404
        article.save_revision().publish()
        assert self.client.get(SEED_ARTICLE).status_code == 200

    def test_a_renamed_page_answers_at_its_new_address_only(self):
        self.queries_for("/locations/roseville/")
        roseville = LocationPage.objects.get(slug="roseville")
        roseville.slug = "roseville-galleria"
        roseville.save_revision().publish()
        assert self.client.get("/locations/roseville/").status_code == 404
        response = self.client.get("/locations/roseville-galleria/")
        assert response.status_code == 200
        assert b"Roseville" in response.content

    def test_a_moved_page_answers_at_its_new_address_only(self):
        self.queries_for("/locations/sacramento/")
        sacramento = LocationPage.objects.get(slug="sacramento")
        home = LocationIndexPage.objects.get(locale__language_code="en").get_parent()
        second_index = LocationIndexPage(title="More locations", slug="more-locations")
        home.add_child(instance=second_index)
        second_index.save_revision().publish()
        sacramento.move(second_index, pos="last-child")
        old_address = self.client.get("/locations/sacramento/")
        assert old_address.status_code == 301  # Wagtail leaves a redirect behind a moved page
        assert old_address["Location"] == "/more-locations/sacramento/"
        assert self.client.get("/more-locations/sacramento/").status_code == 200

    def test_unknown_addresses_are_not_remembered_as_pages(self):
        assert self.client.get("/locations/nowhere/").status_code == 404
        assert self.client.get("/locations/nowhere/").status_code == 404

    def article(self) -> ArticlePage:
        return ArticlePage.objects.get(
            url_path__endswith="/ketamine-therapy-a-proven-medicine-with-a-new-purpose/"
        )

    def test_a_remembered_route_keeps_the_page_and_asks_only_whether_it_is_live(self):
        self.queries_for(SEED_ARTICLE)
        with CaptureQueriesContext(connection) as warm:
            self.client.get(SEED_ARTICLE)
        # Routing asks two things: is it still live, and its view restrictions. What follows is
        # the article's own content (its picture, its reviewer), never its row or a route.
        live, restrictions, *content = [query["sql"] for query in warm.captured_queries]
        assert live.startswith('SELECT 1 AS "a" FROM "wagtailcore_page"') and '"live"' in live
        assert restrictions.startswith('SELECT "wagtailcore_pageviewrestriction"')
        assert "pages_articlepage" not in " ".join(content)
        assert not any('"url_path"' in query.partition(" WHERE ")[2] for query in content)
        assert len(content) <= 5

    def test_a_page_unpublished_where_this_process_did_not_hear_of_it_is_gone(self):
        # As when another worker unpublishes it with a cache local to each process.
        self.queries_for(SEED_ARTICLE)
        Page.objects.filter(pk=self.article().pk).update(live=False)
        assert self.client.get(SEED_ARTICLE).status_code == 404

    def test_a_restriction_added_where_this_process_did_not_hear_of_it_applies(self):
        self.queries_for(SEED_ARTICLE)
        section = self.article().get_parent()
        PageViewRestriction.objects.bulk_create(  # no signal, so no new tree version
            [PageViewRestriction(page=section, restriction_type=PageViewRestriction.LOGIN)]
        )
        response = self.client.get(SEED_ARTICLE)
        assert response.status_code == 302
        assert "login" in response["Location"]
