"""Lighthouse scores and page weight of a status site served on loopback (mobile preset).

Builds a site (the example, or N generated incidents), serves it gzipped on 127.0.0.1 with
``site_url`` pointing there, and runs Lighthouse on the home, an incident and a history
page. Needs Node.js with Lighthouse (``npm install lighthouse``, then pass its path with
``--lighthouse``) and Debian's chromium.

    python benchmarks/lighthouse.py --lighthouse /path/to/node_modules/.bin/lighthouse
    python benchmarks/lighthouse.py --incidents 1000 --lighthouse ...
    python benchmarks/lighthouse.py --incidents 10000 --per-year 333 --lighthouse ...
    python benchmarks/lighthouse.py --language ja --lighthouse ...   # the example in Japanese
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from generate import END, generate

from site_plugin.mkdocs_plugin.css_subset import StyleSheet

REPO = Path(__file__).resolve().parent.parent
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking"
    " --disable-component-update --disable-sync --no-first-run"
)


class GzipHandler(SimpleHTTPRequestHandler):
    """Serves text gzipped, as static hosts do."""

    def send_head(self) -> Any:
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        compressible = path.suffix in (".html", ".css", ".js", ".json", ".xml", ".svg")
        if not path.is_file() or "gzip" not in self.headers.get("Accept-Encoding", ""):
            return super().send_head()
        if not compressible:
            return super().send_head()
        body = gzip.compress(path.read_bytes())
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return _Body(body)

    def log_message(self, *arguments: Any) -> None:
        pass


class _Body:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, *_: Any) -> bytes:
        data, self.data = self.data, b""
        return data

    def close(self) -> None:
        pass


def build(
    root: Path,
    port: int,
    incidents: int,
    per_year: float | None = None,
    language: str | None = None,
) -> Path:
    if incidents:
        generate(root, incidents, per_year)
        (root / "docs").mkdir()
        config = (
            "site_name: Benchmark status\n"
            "site_description: Live status of a generated benchmark site.\n"
            "theme:\n  name: material\n  font: false\n"
        )
        config += "plugins:\n  - search\n  - herald\n"
    else:
        root.mkdir()
        for name in ("components.yml", "incidents", "docs", "overrides"):
            source = REPO / name
            copy = shutil.copytree if source.is_dir() else shutil.copy
            copy(source, root / name)
        config = (REPO / "mkdocs.yml").read_text("utf-8")
        config = config.replace("site_url: https://status.kestrel.example/\n", "")
    config = f"site_url: http://127.0.0.1:{port}/\n" + config
    if language is not None:
        config = re.sub(r"(?m)^theme:\n", f"theme:\n  language: {language}\n", config, count=1)
    (root / "mkdocs.yml").write_text(config, "utf-8")
    environment = dict(
        os.environ, SOURCE_DATE_EPOCH=str(int(END.timestamp())), NO_MKDOCS_2_WARNING="1"
    )
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--quiet"],
        cwd=root,
        env=environment,
        check=True,
    )
    return root / "site"


def gzipped(data: bytes) -> float:
    """KiB after gzip, as the server sends it."""
    return len(gzip.compress(data)) / 1024


def report_home_weight(site: Path) -> None:
    """The status page's weight by origin: Herald's markup and script, the inlined styles."""
    home = (site / "index.html").read_bytes()
    # One <style data-herald-sheet="N"> per inlined stylesheet, and Herald's own <style>s.
    style = re.compile(rb"<style\b[^>]*>.*?</style>", re.S)
    styles = b"".join(style.findall(home))
    markup = style.sub(b"", home)
    script = (site / "assets/herald/herald.js").read_bytes()
    # Herald's own rules among the inlined ones: herald.css cut down the same way.
    own_css = StyleSheet((site / "assets/herald/herald.css").read_text("utf-8"))
    own_rules = own_css.subset(home.decode("utf-8"), ("js",)).encode("utf-8")
    print(
        f"home page gzipped: HTML {gzipped(home):.1f} KiB = markup {gzipped(markup):.1f} KiB"
        f" + inlined styles {gzipped(styles):.1f} KiB (of them Herald's rules"
        f" {gzipped(own_rules):.1f} KiB); Herald's script {gzipped(script):.1f} KiB; Herald's own"
        f" (markup, its rules, script) {gzipped(markup) + gzipped(own_rules) + gzipped(script):.1f}"
        " KiB"
    )
    stylesheet = b'href="assets/herald/herald.css"'
    if stylesheet in home.split(b"<template", 1)[0]:
        own = (site / "assets/herald/herald.css").read_bytes()
        print(f"  herald.css linked (inline_theme_styles: false): {gzipped(own):.1f} KiB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lighthouse", required=True, help="the lighthouse command")
    parser.add_argument("--incidents", type=int, default=0, help="generate N (0: the example)")
    parser.add_argument(
        "--per-year",
        type=float,
        help="generated incidents a year (default: N over three years); the same rate at"
        " two sizes compares longer history, not more frequent incidents",
    )
    parser.add_argument("--language", help="theme.language of the site (default: the site's own)")
    arguments = parser.parse_args()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with tempfile.TemporaryDirectory() as scratch:
        site = build(
            Path(scratch) / "repo",
            port,
            arguments.incidents,
            arguments.per_year,
            arguments.language,
        )
        server = ThreadingHTTPServer(
            ("127.0.0.1", port), functools.partial(GzipHandler, directory=str(site))
        )
        threading.Thread(target=server.serve_forever, daemon=True).start()
        report_home_weight(site)
        month = sorted((site / "history").glob("*/index.html"))[-1].parent.name
        incident = sorted((site / "incidents").iterdir())[-1].name
        pages = {"home": "", "incident": f"incidents/{incident}/", "history": f"history/{month}/"}
        print(f"{'page':<10} {'perf':>5} {'a11y':>5} {'best':>5} {'seo':>5} {'FCP':>7} {'KiB':>7}")
        for name, path in pages.items():
            report = Path(scratch) / f"{name}.json"
            subprocess.run(
                [
                    arguments.lighthouse,
                    f"http://127.0.0.1:{port}/{path}",
                    "--quiet",
                    "--output=json",
                    f"--output-path={report}",
                    "--form-factor=mobile",
                    f"--chrome-flags={CHROME_FLAGS}",
                ],
                env=dict(os.environ, CHROME_PATH=shutil.which("chromium") or "chromium"),
                check=True,
                timeout=300,
            )
            data = json.loads(report.read_text("utf-8"))
            scores = {key: value["score"] for key, value in data["categories"].items()}
            audits = data["audits"]
            print(
                f"{name:<10} {scores['performance']:>5.2f} {scores['accessibility']:>5.2f}"
                f" {scores['best-practices']:>5.2f} {scores['seo']:>5.2f}"
                f" {audits['first-contentful-paint']['numericValue'] / 1000:>6.1f}s"
                f" {audits['total-byte-weight']['numericValue'] / 1024:>7.1f}"
            )
            for category in data["categories"].values():
                # Every audit that costs a point, by name, so a score below 1 says why.
                for ref in category["auditRefs"]:
                    audit = audits[ref["id"]]
                    if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                        print(f"{'':<12}{category['title']}: {audit['title']}")
                        for item in (audit.get("details") or {}).get("items", [])[:3]:
                            node = item.get("node") or {}
                            if node.get("snippet"):
                                print(f"{'':<14}{node['snippet'][:160]}")
            metrics = {
                "LCP": audits["largest-contentful-paint"]["displayValue"],
                "TBT": audits["total-blocking-time"]["displayValue"],
                "CLS": audits["cumulative-layout-shift"]["displayValue"],
                "SI": audits["speed-index"]["displayValue"],
                "DOM": audits["dom-size"].get("displayValue", ""),
            }
            print(f"{'':<12}" + ", ".join(f"{key} {value}" for key, value in metrics.items()))
            for item in audits["network-requests"]["details"]["items"]:
                print(f"{'':<12}{item['transferSize'] / 1024:>6.1f} KiB  {item['url']}")
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
