"""The hostile-input corpus shared by the tests, and an independent judge of HTML.

The judge does not use Herald's URL policy: it reads markup with lxml (which decodes
character references as a browser does) and a scheme rule of its own, so a mistake in
the policy cannot hide itself.
"""

from __future__ import annotations

import re

import lxml.html

SCRIPT_TARGETS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "javascript&colon;alert(document.domain)",
    "javascript&#58;alert(1)",
    "javascript&#x3A;alert(1)",
    "javascript&#x003a;alert(1)",
    "javascript&#0000058alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;avascript:alert(1)",
    "javascript&amp;colon;alert(1)",
    "javascript&amp;#58;alert(1)",
    "java&#x09;script:alert(1)",
    "java&Tab;script:alert(1)",
    "java&NewLine;script:alert(1)",
    "java&#13;script:alert(1)",
    "&#1;javascript:alert(1)",
    "&#x20;javascript:alert(1)",
    "javascript%3Aalert(1)",
    "%6A%61vascript:alert(1)",
    "<javascript:alert(1)>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "DATA:text/html,alert(1)",
    "data&colon;text/html,alert(1)",
    "vbscript:msgbox(1)",
    "VBScript&#58;msgbox(1)",
    "jar:https://evil.example/a.jar!/alert(1)",
    "file:///etc/passwd?alert(1)",
]
"""Link targets a browser would run, open as a document, or leave the web for."""

SAFE_TARGETS = [
    "https://help.example/a?b=1&c=2",
    "http://help.example/",
    "mailto:help@example.com",
    "tel:+4930123456",
    "../other/",
    "#top",
    "/absolute/path",
]


def markdown_payloads() -> list[str]:
    """Markdown that tries every way in: links, images, references, autolinks, raw HTML,
    attribute lists (which need ``attr_list``), fenced-code attributes."""
    payloads: list[str] = []
    for number, target in enumerate(SCRIPT_TARGETS):
        payloads += [
            f"[link {number}]({target})",
            f"![image {number}]({target})",
            f"[reference {number}][r{number}]\n\n[r{number}]: {target}",
        ]
    payloads += [
        "<javascript:alert(1)>",
        "<https://safe.example/ok>",
        "<help@example.com>",
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '<a href="javascript:alert(1)">raw</a>',
        "<svg onload=alert(1)>",
        '<iframe src="javascript:alert(1)"></iframe>',
        'A paragraph { onclick="alert(1)" }\n{: onclick="alert(1)" }',
        '# Heading {: onmouseover=alert(1) style="background:url(javascript:alert(1))" }',
        '[styled](https://safe.example){: style="position:fixed;inset:0" onclick="alert(1)" }',
        '[moved](https://safe.example){: href="javascript:alert(1)" }',
        "![img](https://safe.example/i.png){: onerror=alert(1) src=javascript:alert(1) }",
        "```{ .python onclick=alert(1) }\nprint(1)\n```",
        "Text with an id {: #herald-theme-assets }",
        "| a | b |\n|:--|--:|\n| [x](javascript:alert(1)) | <b onclick=alert(1)>b</b> |",
        "- [x] done\n- [ ] [todo](javascript:alert(1))",
        "Term\n: [definition](javascript&colon;alert(1))",
        "Footnote[^1]\n\n[^1]: [note](javascript:alert(1))",
        "*[HTML]: <b onclick=alert(1)>",
    ]
    return payloads


ALLOWED_SCHEMES = {"http", "https", "mailto", "tel"}
_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "srcset"}
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")


def judge_url(value: str) -> bool:
    """Whether a browser would treat ``value`` (already decoded by lxml) as harmless."""
    squeezed = re.sub(r"[\t\n\r]", "", value).strip("".join(chr(c) for c in range(0x21)))
    match = _SCHEME.match(squeezed)
    return match is None or match.group(1).lower() in ALLOWED_SCHEMES


def unsafe_markup(html: str) -> list[str]:
    """Everything in ``html`` that could run a script or restyle the page: empty if none."""
    if not html.strip():
        return []
    found: list[str] = []
    root = lxml.html.fromstring(f"<div>{html}</div>")
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in ("script", "iframe", "object", "embed", "svg", "form", "style"):
            found.append(f"<{element.tag}>")
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                found.append(f"<{element.tag} {name}>")
            if name.lower() in _URL_ATTRIBUTES and not judge_url(value):
                found.append(f"<{element.tag} {name}={value!r}>")
            if name.lower() == "style" and not re.fullmatch(r"text-align:\s*\w+;?", value):
                found.append(f"<{element.tag} style={value!r}>")
    return found
