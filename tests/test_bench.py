"""The benchmark's pieces that decide what it reports: the comment poster and the verdicts."""

import io
import json

from django.core.management import call_command
from django.test import Client, TestCase, override_settings

from bench import commenter, report, scale, wrk
from bench.loadgen import LoadResult
from klearmind.comments.models import Comment, CommentStatus
from klearmind.comments.tests.test_views import CommentFormTestCase


class CommentPosterTests(CommentFormTestCase):
    def test_the_form_as_the_poster_reads_it_is_accepted_with_csrf_enforced(self):
        browser = Client(enforce_csrf_checks=True)

        def fetch(url: str) -> tuple[int, str, str]:
            response = browser.get(url)
            return response.status_code, response["Content-Type"], response.content.decode()

        reader = commenter.Commenter(f"http://testserver{self.article.url}")
        reader.fetch = fetch  # the test client in place of the network, with its cookies
        form = reader.fresh_form()
        data = form.fields | {
            "text": "Clear and kind, thank you.",
            "author_name": "Ana Ruiz",
            "author_email": "ana@example.org",
        }
        with self.captureOnCommitCallbacks(execute=True):
            response = browser.post(form.action, data, REMOTE_ADDR="192.0.2.5")
        assert response.status_code == 302
        assert "posted=" in response["Location"]
        comment = Comment.objects.get(author_email="ana@example.org")
        assert comment.status == CommentStatus.PENDING  # not spam: honeypot and timestamp kept
        assert form.fields["homepage"] == ""
        assert "remember" not in form.fields  # an unticked box is not sent

    def test_a_token_endpoint_named_by_the_form_supplies_a_fresh_token(self):
        page = (
            '<form class="form comment-form" action="/comments/post/7/" '
            'data-csrf-url="/comments/token/"><input type="hidden" name="csrfmiddlewaretoken" '
            'value="cached-for-everyone"><input type="hidden" name="rendered" value="old">'
            '<textarea name="text">draft</textarea></form>'
        )
        answers = {
            "http://testserver/article/": (200, "text/html", page),
            "http://testserver/comments/token/": (
                200,
                "application/json",
                json.dumps({"csrfToken": "mine", "rendered": "now"}),
            ),
        }
        reader = commenter.Commenter("http://testserver/article/")
        reader.fetch = answers.__getitem__
        form = reader.fresh_form()
        assert form.action == "/comments/post/7/"
        assert form.fields["csrfmiddlewaretoken"] == "mine"
        assert form.fields["rendered"] == "now"
        assert form.fields["text"] == "draft"


def row(label: str, cold: float, warm: float, warm_header: str = "") -> report.Row:
    target = next(target for target in report.TARGETS if target.label == label)
    cold_result = LoadResult(requests=1, errors=0, rps=cold, p50_ms=1.0, p99_ms=2.0)
    warm_result = LoadResult(requests=1, errors=0, rps=warm, p50_ms=1.0, p99_ms=2.0)
    made = report.Row(target, "/", queries=10, cold=cold_result, warm=warm_result)
    made.cache_header["warm"] = warm_header
    return made


def test_the_budgets_follow_the_wordpress_figures(capsys):
    rows = [
        row("article, 0 comments", 250, 3500),
        row("article, 50 comments", 196, 2999),
        row("article, 500 comments", 169, 3000),
    ]
    for made in rows:
        made.weight = report.PageWeight(status=200, html=5000, fonts=48_256)
    rows[0].weight.css = 20 * 1024 - 5000
    report.print_budgets(rows, post_ms=[20.0, 21.0, 40.0])
    printed = capsys.readouterr().out
    assert "article, 50 comments cold >= 195 req/s (3 x WordPress's 65): 196.0 PASS" in printed
    assert "article, 500 comments cold >= 170 req/s (10 x WordPress's 17): 169.0 FAIL" in printed
    assert "article, 50 comments warm >= 3,000 req/s: 2999.0 FAIL" in printed
    assert "article, 500 comments warm >= 3,000 req/s: 3000.0 PASS" in printed
    assert "comment POST median <= 22 ms (WordPress): 21.0 ms PASS" in printed
    assert "article, 0 comments HTML+CSS+JS < 20 kB gzip: 20.0 kB FAIL" in printed
    assert "article, 0 comments fonts <= 60 kB: 47.1 kB PASS" in printed


def test_without_a_cache_hit_the_report_says_the_page_cache_is_not_active(capsys):
    rows = [row("home", 80, 81)]
    rows[0].weight = report.PageWeight(status=200, html=5000)
    report.print_pages(rows)
    assert "page cache not active" in capsys.readouterr().out
    rows[0].cache_header["warm"] = "HIT"
    report.print_pages(rows)
    assert "page cache not active" not in capsys.readouterr().out


def test_wrk_errors_are_counted_and_named():
    output = (
        "Running 1s test @ http://127.0.0.1:8000/\n"
        "  100 requests in 1.00s, 1.00MB read\n"
        "  Socket errors: connect 0, read 2, write 0, timeout 5\n"
        "  Non-2xx or 3xx responses: 3\n"
        "Requests/sec:    100.00\n"
        "     50%    1.50ms\n"
        "     99%    1.20s\n"
    )
    result = wrk.parse(output)
    assert (result.requests, result.errors, result.rps) == (100, 10, 100.0)
    assert (result.p50_ms, result.p99_ms) == (1.5, 1200.0)
    assert result.error_detail == "read 2, timeout 5, non-2xx/3xx 3"


class ScaleTests(TestCase):
    """`python -m bench.scale` at the tiny size on the demo clinic: every row measured, with
    a verdict."""

    @classmethod
    def setUpTestData(cls):
        call_command("load_demo", stdout=io.StringIO())

    def test_the_table_has_every_screen_and_job_with_a_verdict(self):
        from klearmind.scheduler.jobs import enabled_jobs

        with override_settings(PAGE_CACHE_SECONDS=0), self.captureOnCommitCallbacks():
            rows = scale.measure(["tiny"], runs=1)
        names = [row.name for row in rows]
        for name in ("patient record", "audit list", "calendar, week", "sitemap", "one booking"):
            assert name in names
        assert {job.name for job in enabled_jobs()} <= set(names)
        for row in rows:
            assert not row.error, row.error
            assert set(row.ms) == set(row.queries) == {"tiny"}, row.name
        printed = scale.table(rows, ["tiny"], "sqlite").splitlines()
        assert printed[0].split(" | ")[-1].strip() == "verdict"
        assert len(printed) == 2 + len(rows)
        assert all(line.split(" | ")[-1].strip() in ("PASS", "FAIL") for line in printed[2:])

    def test_the_clinic_grows_to_the_size_asked(self):
        from klearmind.audit.models import AuditEvent
        from klearmind.care.models import Patient

        grower = scale.Grower()
        patients, events = Patient.objects.count(), AuditEvent.objects.count()
        grower.grow(scale.size_counts("tiny"))
        assert Patient.objects.count() == patients + 3
        assert AuditEvent.objects.count() == events + 100
        assert Patient.objects.with_email("bench.patient3@example.org").exists()
        grower.grow(scale.size_counts("tiny"))  # already that size: nothing more
        assert Patient.objects.count() == patients + 3


def test_a_slow_screen_or_changing_query_count_fails():
    fast = scale.Row(
        "screen", "a", 150, ms={"small": 10, "large": 149}, queries={"small": 3, "large": 3}
    )
    slow = scale.Row(
        "screen", "b", 150, ms={"small": 10, "large": 151}, queries={"small": 3, "large": 3}
    )
    growing = scale.Row(
        "screen", "c", 150, ms={"small": 1, "large": 1}, queries={"small": 3, "large": 4}
    )
    assert [row.verdict("large") for row in (fast, slow, growing)] == ["PASS", "FAIL", "FAIL"]
