"""The main menu, the breadcrumbs and permission-guarded links in templates.

`{% navigation as nav %}`: the menu the signed-in user sees on this page (core.navigation).
`{% page_title %}`: the text of the page's `title` block, for the last breadcrumb.
`{% may_open "catalog:import" as may_import %}`: whether the user may open that page, to show a
link only to those who may follow it.
"""

from html import unescape
from typing import Any

from django import template
from django.template.loader_tags import BLOCK_CONTEXT_KEY
from django.utils.html import strip_tags

from cdohub.core import navigation as menu

register = template.Library()


@register.simple_tag(takes_context=True)
def navigation(context: template.Context) -> menu.Navigation:
    request = context.get("request")
    if request is None:
        return menu.Navigation([], None, "")
    return menu.build(request.user, request.path)


@register.simple_tag(takes_context=True)
def page_title(context: template.Context) -> str:
    """The rendered `title` block of the page being drawn (the most derived template's)."""
    blocks = context.render_context.get(BLOCK_CONTEXT_KEY)
    block = blocks.get_block("title") if blocks is not None else None
    if block is None:
        return ""
    return " ".join(unescape(strip_tags(block.render(context))).split())  # escaped once, on output


@register.simple_tag(takes_context=True)
def may_open(context: template.Context, url_name: str) -> bool:
    request: Any = context.get("request")
    return request is not None and menu.may_open(request.user, url_name)
