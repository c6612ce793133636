from wagtail import hooks

from . import page_cache


@hooks.register("before_serve_page")
def offer_to_the_page_cache(page, request, serve_args, serve_kwargs):
    page_cache.offer(request, page)
