"""Wrap a template's Italian text for the catalogue, mechanically (docs/i18n.md).

    python gateway/scripts/i18n_wrap.py gateway/abitare_gateway/templates/partner/*.html

Rewrites each file in place and prints what it wrapped:
- text between tags: ``<p>Nuova scheda</p>`` -> ``<p>{{ _("Nuova scheda") }}</p>``
  (around inline ``{{ ... }}`` each piece is wrapped alone: prefer rewriting such a sentence by
  hand as ``{{ _("La scheda di %(nome)s", nome=x) }}``);
- the attributes people read or hear: ``aria-label``, ``placeholder``, ``title``, ``alt``,
  ``data-label``;
- string literals in ``{{ }}``/``{% %}`` that read as words (a space, an accent or a capital,
  nothing like ``web.view``, ``a_b``, ``a-b`` or a path): macro labels, menu entries.

Already wrapped text, ``<script>``/``<style>``, comments and markup are left alone, so a second run
changes nothing. Read the diff: the literals' rule is a heuristic.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
HTML = re.compile(r"<!--.*?-->|<[^>]*>", re.DOTALL)
ATTRIBUTE = re.compile(r'(\s(?:aria-label|placeholder|title|alt|data-label)=)"([^"]*)"')
LITERAL = re.compile(r"""(?<![\w])('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")""")
HOLE = re.compile(r"\x00(\d+)\x00")
WORDS = re.compile(r"[A-Za-zÀ-ÿ]")
NOT_WORDS = re.compile(r"^[\w.\-/#:=]*$")  # ids, endpoints, classes, paths, selectors
CLASSES = re.compile(r"^[a-z0-9 ]*-[a-z0-9 -]*$")  # "bg-warning text-dark"
SKIPPED_TAGS = ("extends", "include", "import", "from", "block", "macro", "call", "set ")


def quoted(text: str) -> str:
    if '"' not in text:
        return f'"{text}"'
    return "'" + text.replace("'", "\\'") + "'"


def gettext_call(text: str) -> str:
    return "{{ _(" + quoted(text.replace("%", "%%")) + ") }}"


def reads_as_words(value: str) -> bool:
    if not WORDS.search(value) or "%" in value or '="' in value or CLASSES.match(value):
        return False
    if " " in value or re.search(r"[À-ÿ…«»]", value):
        return True
    return value[:1].isupper() and NOT_WORDS.match(value) is not None and "_" not in value


def wrap_literals(construct: str, wrapped: list[str]) -> str:
    """String literals of a ``{{ }}``/``{% %}`` that read as words -> ``_('...')``."""
    if construct.startswith("{#"):
        return construct
    head = construct[2:].strip().lstrip("-+ ")
    if any(head.startswith(tag) for tag in SKIPPED_TAGS if tag != "set ") or head.startswith(
        ("trans", "pluralize", "endtrans")
    ):
        return construct

    def one(match: re.Match) -> str:
        literal = match.group(1)
        before = construct[: match.start()].rstrip()
        value = literal[1:-1]
        if before.endswith(("_(", "gettext(")) or not reads_as_words(value):
            return literal
        wrapped.append(value)
        return f"_({literal})"

    return LITERAL.sub(one, construct)


def wrap_text(text: str, holes: list[str], wrapped: list[str]) -> str:
    """A text node with Jinja holes: each piece of words between holes wrapped alone."""
    pieces = HOLE.split(text)
    out = []
    for index, piece in enumerate(pieces):
        if index % 2:  # a hole's number
            out.append(f"\x00{piece}\x00")
            continue
        core = piece.strip()
        if not WORDS.search(core) or '="' in core or core.startswith("&") and core.endswith(";"):
            out.append(piece)
            continue
        lead = piece[: len(piece) - len(piece.lstrip())]
        trail = piece[len(piece.rstrip()) :]
        wrapped.append(core)
        out.append(lead + gettext_call(" ".join(core.split())) + trail)
    return "".join(out)


def wrap_attribute(match: re.Match, wrapped: list[str]) -> str:
    value = match.group(2)
    if not WORDS.search(value) or "\x00" in value:
        return match.group(0)
    wrapped.append(value)
    literal = "'" + value.replace("%", "%%").replace("'", "\\'") + "'"
    return match.group(1) + '"{{ _(' + literal + ') }}"'


def wrap(source: str) -> tuple[str, list[str]]:
    wrapped: list[str] = []
    holes: list[str] = []

    def hole(match: re.Match) -> str:
        holes.append(wrap_literals(match.group(0), wrapped))
        return f"\x00{len(holes) - 1}\x00"

    masked = JINJA.sub(hole, source)
    out, position, raw = [], 0, None
    for match in HTML.finditer(masked):
        text = masked[position : match.start()]
        out.append(text if raw else wrap_text(text, holes, wrapped))
        tag = match.group(0)
        name = re.match(r"</?\s*([a-zA-Z0-9-]+)", tag)
        lowered = name.group(1).lower() if name else ""
        if lowered in ("script", "style"):
            raw = None if tag.startswith("</") else lowered
        if not tag.startswith("<!--"):
            tag = ATTRIBUTE.sub(lambda m: wrap_attribute(m, wrapped), tag)
        out.append(tag)
        position = match.end()
    tail = masked[position:]
    out.append(tail if raw else wrap_text(tail, holes, wrapped))
    result = HOLE.sub(lambda m: holes[int(m.group(1))], "".join(out))
    return result, wrapped


def main(paths: list[str]) -> None:
    for name in paths:
        path = Path(name)
        source = path.read_text(encoding="utf-8")
        result, wrapped = wrap(source)
        if result != source:
            path.write_text(result, encoding="utf-8")
            print(f"{path}: {len(wrapped)} wrapped")


if __name__ == "__main__":
    main(sys.argv[1:])
