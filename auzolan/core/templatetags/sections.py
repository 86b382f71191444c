"""`{% page_sections "slot" obj as sections %}`: the blocks that higher apps add to a lower app's page, inside a
loop (one resource among several) where the view cannot prepare them (core.registry.page_sections)."""

from django import template

from auzolan.core.registry import page_sections as _page_sections

register = template.Library()


@register.simple_tag(takes_context=True)
def page_sections(context, slot, obj=None):
    return _page_sections(slot, context.get("request"), obj)
