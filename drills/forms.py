"""The public forms as a browser fills them in, over HTTP: a comment, a visit, a candidacy
questionnaire and a check-in. Each returns the last response."""

import json

from bs4 import BeautifulSoup

from .browser import Browser


def post_comment(site, article: str, article_id: int, text: str):
    browser = Browser(site.url)
    page = browser.get(article)
    if page.status != 200:
        return page
    fields = [
        *page.hidden_fields("form.comment-form"),
        ("csrfmiddlewaretoken", comment_token(browser, page)),
        ("text", text),
        ("author_name", "Drill Reader"),
        ("author_email", "reader@example.org"),
        ("author_url", ""),
    ]
    return browser.post(f"/comments/post/{article_id}/", fields)


def comment_token(browser: Browser, page) -> str:
    """A CSRF token of this browser's own, fetched from where the form says, as the page's
    script does: a cached page's form carries none."""
    form = BeautifulSoup(page.text, "html.parser").select_one("form.comment-form")
    answer = browser.get(form["data-token-url"])
    return json.loads(answer.text)["csrfToken"] if answer.status == 200 else ""


def book(site, service, place, starts_at, number: int):
    browser = Browser(site.url)
    path = f"/book/{service.slug}/{place.key}/details/"
    details = browser.get(path, {"start": starts_at.isoformat()})
    fields = [
        *details.hidden_fields("form"),
        ("start", starts_at.isoformat()),
        ("name", f"Before {number}"),
        ("email", f"before{number}@example.org"),
        ("phone", "(916) 555-0100"),
    ]
    review = browser.post(path, fields)
    return browser.post(path, [*review.hidden_fields("form.booking-confirm"), ("confirm", "1")])


def send_questionnaire(site, email: str, **answers):
    from klearmind.intake.tests.factories import step_answers

    answers = step_answers(email=email, **answers)
    browser = Browser(site.url)
    slug = "about"
    while True:
        path = f"/candidacy/step/{slug}/"
        page = browser.get(path)
        data = [
            (key, value)
            for key, values in answers[slug].items()
            for value in (values if isinstance(values, list) else [values])
        ]
        response = browser.post(path, [*page.hidden_fields("form"), *data, ("action", "next")])
        location = response.headers.get("Location", "")
        if response.status != 302 or not location.startswith("/candidacy/step/"):
            return response
        slug = location.rstrip("/").split("/")[-1]


def complete_check_in(site, path: str, answers: dict[str, str]):
    """Open the e-mailed link, which sends the browser on to the check-in's own address."""
    browser = Browser(site.url)
    opened = browser.get(path)
    path = opened.headers.get("Location", path)
    page = browser.get(path)
    return browser.post(path, [*page.hidden_fields("form"), *answers.items()])


def first_article() -> tuple[str, int]:
    from klearmind.pages.models import ArticlePage

    article = ArticlePage.objects.live().first()
    return article.url, article.pk
