from wagtail import hooks

from . import page_cache, signals


@hooks.register("before_serve_page")
def offer_to_the_page_cache(page, request, serve_args, serve_kwargs):
    page_cache.offer(request, page)


@hooks.register("register_admin_urls")
def listen_to_snippet_deletes():
    # Called once every app's hooks are loaded: the snippets registered there are known now.
    signals.connect_deletes()
    return []
