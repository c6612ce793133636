"""Copies of the seed article with 0, 50 and 500 approved comments, for the benchmark.

Run by bench/run.sh after load_demo, with the server's settings in the environment.
"""

import django

COMMENT_COUNTS = (0, 50, 500)


def slug(count: int) -> str:
    return f"bench-{count}-comments"


def main() -> None:
    django.setup()
    from klearmind.comments.demo import add_threads
    from klearmind.pages.models import ArticlePage

    seed = ArticlePage.objects.live().filter(title__istartswith="Ketamine therapy").first()
    if seed is None:
        raise SystemExit("bench: the demo has no seed article to copy.")
    for count in COMMENT_COUNTS:
        if ArticlePage.objects.filter(slug=slug(count)).exists():
            continue
        copy = seed.copy(
            to=seed.get_parent(),
            update_attrs={"slug": slug(count), "title": f"{seed.title} ({count} comments)"},
            keep_live=True,
        )
        add_threads(copy, count)
        print(f"bench: {copy.url} with {count} comments")


if __name__ == "__main__":
    main()
