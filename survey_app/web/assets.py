"""Static files under fingerprinted names, so browsers can cache them for a year.

At start-up every file in ``static/`` is copied to the static folder (``SURVEY_STATIC_DIR``, by
default a private temporary folder; never the data folder) as ``name.<hash>.ext``;
templates ask ``asset("css/site.css")`` for the current name. A changed file gets a new name, so
a cached copy is never stale. JavaScript imports of other static files are rewritten to match.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

STATIC_DIR = Path(__file__).parent / "static"
IMPORT = re.compile(r"""(from\s*["']\./)([\w.-]+\.js)(["'])""")


def _fingerprinted(relative: Path, content: bytes) -> Path:
    digest = hashlib.sha256(content).hexdigest()[:12]
    return relative.with_name(f"{relative.stem}.{digest}{relative.suffix}")


def _rewrite_imports(source: str, manifest: dict[str, str], importer: Path) -> str:
    """Point ``import ... from "./x.js"`` at x's fingerprinted name."""

    def renamed(match: re.Match[str]) -> str:
        name = Path(manifest.get(str(importer.parent / match.group(2)), match.group(2))).name
        return match.group(1) + name + match.group(3)

    return IMPORT.sub(renamed, source)


def build(output: Path, source: Path = STATIC_DIR) -> dict[str, str]:
    """Write fingerprinted copies of the static files; returns e.g. ``{"css/site.css": ...}``."""
    manifest: dict[str, str] = {}
    files = sorted(p for p in source.rglob("*") if p.is_file())
    # Imported files first, so the importer's rewritten text (and so its hash) is final.
    for path in sorted(files, key=lambda p: p.name == "app.js"):
        relative = path.relative_to(source)
        content = path.read_bytes()
        if path.suffix == ".js":
            content = _rewrite_imports(content.decode(), manifest, relative).encode()
        target = _fingerprinted(relative, content)
        destination = output / target
        # Several server processes may build at once: never delete, write each name atomically.
        if not destination.exists():
            destination.parent.mkdir(parents=True, exist_ok=True)
            temporary = destination.with_name(f".{destination.name}.{os.getpid()}")
            temporary.write_bytes(content)
            os.replace(temporary, destination)
        manifest[str(relative)] = str(target)
    return manifest
