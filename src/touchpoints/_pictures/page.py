"""A picture as a page: a self-contained HTML document that prints on A4 landscape."""

from __future__ import annotations

import html

__all__ = ["html_page"]

_STYLE = """
@page { size: A4 landscape; margin: 10mm; }
body { font-family: sans-serif; margin: 16px; color: #1a1a1a; background: #ffffff; }
h1 { font-size: 18px; margin: 0 0 8px; }
p.lead { margin: 0 0 12px; }
figure { margin: 0; }
figure svg { width: 100%; height: auto; max-width: 100%; }
@media print { body { margin: 0; } figure svg { page-break-inside: avoid; } }
"""


def html_page(
    title: str, body: str, *, lead: str = "", style: str = "", figure: bool = True
) -> str:
    """An HTML page around ``body`` (trusted markup, such as an SVG picture).

    ``style`` adds CSS rules; with ``figure=False`` the body is not wrapped in a
    ``<figure>`` (it brings its own).

    No scripts, no links, no network: the page is one file that opens and prints
    anywhere.

    >>> page = html_page("Plan <1>", "<svg/>")
    >>> "<title>Plan &lt;1&gt;</title>" in page, "size: A4 landscape" in page
    (True, True)
    """
    lead_html = f'<p class="lead">{html.escape(lead)}</p>\n' if lead else ""
    content = f"<figure>\n{body}</figure>\n" if figure else body
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{_STYLE}{style}</style>\n</head>\n<body>\n"
        f"<h1>{html.escape(title)}</h1>\n{lead_html}{content}</body>\n</html>\n"
    )
