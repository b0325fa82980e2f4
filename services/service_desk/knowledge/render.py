"""Markdown → HTML for articles, safe by construction: markdown-it-py (the CommonMark
reference port, pinned in pyproject.toml) with raw HTML off, so `<script>` and any tag a writer
types come out escaped as text, and its link validation drops `javascript:`, `vbscript:`,
`file:` and non-image `data:` URLs (the link text stays, unlinked). Rendered once on write and
stored, so readers never run the renderer."""
from markdown_it import MarkdownIt

_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def to_html(markdown):
    return _MARKDOWN.render(markdown)
