from html.parser import HTMLParser

import pytest
from django.template import Context, Template

from auzolan.core.markdown import render_markdown

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[clic](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<style>body{display:none}</style>",
    '<iframe src="https://evil.example"></iframe>',
    "<svg onload=alert(1)>",
]


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attrs = set(), []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attrs.extend(attrs)


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_markup_is_neutralised(text):
    parser = _Elements()
    parser.feed(str(render_markdown(text)))
    assert parser.tags <= {"p", "a"}
    assert not [name for name, _ in parser.attrs if name.startswith("on")]
    assert not [value for name, value in parser.attrs if name == "href" and "javascript" in (value or "").lower()]


def test_markdown_renders_lists_links_and_demotes_h1():
    html = str(render_markdown("# Titre\n\n- un\n- deux\n\n[site](https://exemple.fr)"))
    assert "<h2>Titre</h2>" in html and "<h1" not in html
    assert "<li>un</li>" in html
    assert 'href="https://exemple.fr"' in html and "nofollow" in html


def test_template_filter():
    assert "<strong>gras</strong>" in Template("{% load markdown %}{{ t|markdown }}").render(Context({"t": "**gras**"}))
