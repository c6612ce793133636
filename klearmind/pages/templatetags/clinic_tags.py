import json

from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe
from wagtail.models import Page

from klearmind.pages.chrome import site_chrome
from klearmind.pages.fragments import cached_fragment, is_cacheable, rendered_body

register = template.Library()

# The characters that could end a script element or start markup inside it.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def json_ld(data) -> str:
    """A schema.org block, escaped so no value can close the script element."""
    if not data:
        return ""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    escaped = text.translate(JSON_SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{escaped}</script>')  # noqa: S308


@register.simple_tag(takes_context=True)
def chrome(context) -> dict:
    """The main menu and footer data, from the cache (see pages.chrome)."""
    request = context.get("request")
    if request is None:
        return {}
    if not hasattr(request, "_site_chrome"):
        request._site_chrome = site_chrome(request)
    return request._site_chrome


@register.simple_tag(takes_context=True)
def page_body(context, body) -> str:
    """A page's StreamField body, from the cache while it and what it shows are unchanged."""
    return rendered_body(context, body)


class FragmentNode(template.Node):
    def __init__(self, nodelist, name: str, vary_on: list):
        self.nodelist, self.name, self.vary_on = nodelist, name, vary_on

    def render(self, context):
        request, page = context.get("request"), context.get("page")
        if not is_cacheable(request, page):
            return self.nodelist.render(context)
        vary_on = [variable.resolve(context) for variable in self.vary_on]
        return cached_fragment(request, self.name, vary_on, lambda: self.nodelist.render(context))


@register.tag
def page_fragment(parser, token):
    """`{% page_fragment "name" page.pk %}...{% endpage_fragment %}`: the enclosed HTML of a
    page being served, from the cache until the tree version moves on (see pages.fragments)."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("page_fragment needs a name")
    nodelist = parser.parse(("endpage_fragment",))
    parser.delete_first_token()
    name = bits[1].strip("\"'")
    return FragmentNode(nodelist, name, [parser.compile_filter(bit) for bit in bits[2:]])


@register.simple_tag
def nav_current(item: dict, page) -> str:
    """The aria-current value for a menu item: the page itself, or the section it is in."""
    if not isinstance(page, Page):
        return ""
    if page.pk == item["pk"]:
        return "page"
    return "true" if page.path.startswith(item["path"]) else ""


@register.filter
def todays_hours(location: dict) -> tuple | None:
    """(opens, closes) of a footer location today in the clinic's time zone, None when closed."""
    return location.get("hours", {}).get(timezone.localdate().weekday())


@register.filter
def structured_data(page, request):
    build = getattr(page, "structured_data", None)
    return build(request) if build else None
