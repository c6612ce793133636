from django import template

from klearmind.comments.display import section_context
from klearmind.comments.rendering import render_text

register = template.Library()


@register.inclusion_tag("comments/comment_section.html", takes_context=True)
def comment_section(context):
    """The comments and the comment form of the page being shown, where comments are on."""
    request, page = context.get("request"), context.get("page")
    if request is None or page is None or not getattr(page, "pk", None):
        return {"section": None}
    return {"section": section_context(request, page), "request": request}


@register.filter
def comment_text(text: str):
    return render_text(text)
