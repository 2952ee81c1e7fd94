"""Reads the Home Office guide "Citizen Focus: a practical guide to improving police follow-up with victims
and witnesses" (March 2007, the project's seed text) into the self-assessment's data, in the guide's own
words. Used at build time only: `python -m surveys.assessment_source <seed file>` writes
surveys/assessment_data.py and surveys/assessment_guidance.py, so that production never reads the seed
(it may not have it). A test checks that the committed modules still match the seed where it is present.

Pure: text in, plain Python values out."""

from __future__ import annotations

import pprint
import re
import sys
from pathlib import Path

# A component's row in the tool's table: "2. Deliver a personalised service (cont.)<TAB>..."
_COMPONENT_ROW = re.compile(r"^(\d)\. ([^\t]+?)(?: \(cont\.\))?\t")
_INDICATOR = re.compile(r"<p><b>(\d\.\d+) (.*?)</b></p>((?: <p>\d = .*?</p>)+)")
_DESCRIPTOR = re.compile(r"<p>(\d) = (.*?)</p>")
_SCALE = re.compile(r"^<b>([0-4])</b>\t<b>(.*?)</b>\s*$")
_PAGES = re.compile(r"^([1-6])\t([^\t]+)\t(\d+[–-]\d+)\s*$")


def scale(text: str) -> dict[int, str]:
    """The meaning of each score, 0..4, from the key beside the guide's spider diagram."""
    found = {int(m[1]): m[2].strip() for line in text.splitlines() if (m := _SCALE.match(line))}
    if sorted(found) != [0, 1, 2, 3, 4]:
        raise ValueError(f"The score key was not found whole (found {sorted(found)}).")
    return found


def components(text: str) -> list[dict]:
    """Each component with its key indicators and their five descriptors (0..4), and the guide's pages."""
    out: list[dict] = []
    for line in text.splitlines():
        if m := _COMPONENT_ROW.match(line):
            number = int(m[1])
            if not out or out[-1]["number"] != number:
                out.append({"number": number, "name": m[2].strip(), "pages": "", "indicators": []})
        for ind in _INDICATOR.finditer(line):
            descriptors = _DESCRIPTOR.findall(ind[3])
            if [int(score) for score, _ in descriptors] != [0, 1, 2, 3, 4]:
                raise ValueError(f"Indicator {ind[1]} does not have one descriptor for each score 0 to 4.")
            out[-1]["indicators"].append(
                {"code": ind[1], "name": ind[2].strip(), "descriptors": [d.strip() for _, d in descriptors]}
            )
    pages = {int(m[1]): m[3] for line in text.splitlines() if (m := _PAGES.match(line))}
    for c in out:
        c["pages"] = pages.get(c["number"], "")
    if [c["number"] for c in out] != [1, 2, 3, 4, 5, 6] or not all(c["pages"] for c in out):
        raise ValueError("The six components (with their pages) were not all found.")
    return out


# Inline marks in the guide's text: bold, italic, footnote numbers, links (shown as their words: the
# guide's 2007 addresses no longer work, so they are not made into links).
_INLINE = re.compile(
    r"\*\*(?P<strong>.+?)\*\*|\*(?P<em>[^*]+?)\*|<sup>(?P<sup>.*?)</sup>"
    r"|\[(?P<link>[^\]]+)\]\([^)]*\)|<(?P<url>https?://[^>]+)>"
)


def _unescape(s: str) -> str:
    return s.replace("\\\\_", "_").replace("\\_", "_")


def inline(s: str) -> list[tuple[str, str]]:
    """Text as (style, words) parts; style is "", "strong", "em" or "sup"."""
    parts: list[tuple[str, str]] = []
    pos = 0
    for m in _INLINE.finditer(s):
        if m.start() > pos:
            parts.append(("", s[pos : m.start()]))
        kind = m.lastgroup or ""
        style = {"link": "", "url": ""}.get(kind, kind)
        parts.append((style, _unescape(m[kind])))
        pos = m.end()
    if pos < len(s):
        parts.append(("", s[pos:]))
    merged: list[tuple[str, str]] = []
    for style, words in parts:
        words = _unescape(words)
        if merged and merged[-1][0] == style:
            merged[-1] = (style, merged[-1][1] + words)
        elif words:
            merged.append((style, words))
    return merged


def _blocks(lines: list[str]) -> list[dict]:
    blocks: list[dict] = []
    para: list[str] = []

    def flush():
        if para:
            blocks.append({"kind": "p", "parts": inline(" ".join(para))})
            para.clear()

    for raw in lines:
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("### "):
            flush()
            blocks.append({"kind": "h3", "parts": inline(line[4:].strip())})
        elif line.startswith("## "):
            flush()
            blocks.append({"kind": "h2", "parts": inline(line[3:].strip())})
        elif line.startswith("- "):
            flush()
            item = inline(line[2:].lstrip("> ").strip())
            if blocks and blocks[-1]["kind"] == "ul":
                blocks[-1]["items"].append(item)
            else:
                blocks.append({"kind": "ul", "items": [item]})
        else:
            para.append(line)
    flush()
    return blocks


def chapters(text: str) -> dict[int, dict]:
    """Each component's chapter of guidance: its title and its text as blocks (h2, h3, p, ul)."""
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if re.match(r"^# Component \d:", line)]
    out: dict[int, dict] = {}
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(lines)
        if k + 1 == len(starts):
            end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("# ")), len(lines))
        m = re.match(r"^# Component (\d):\s*(.*)$", lines[start])
        number, title = int(m[1]), m[2].strip()
        body = lines[start + 1 : end]
        if not title:
            # "# Component 2:" with its title as the next heading.
            i = next(i for i, line in enumerate(body) if line.strip())
            title = body[i].lstrip("#").strip()
            body = body[i + 1 :]
        out[number] = {"title": title, "blocks": _blocks(body)}
    if sorted(out) != [1, 2, 3, 4, 5, 6]:
        raise ValueError("The six chapters were not all found.")
    return out


HEADER = (
    '"""{doc}\n\nGenerated by `python -m surveys.assessment_source <seed file>`: do not edit by hand."""\n\n'
)


def render_data(text: str) -> str:
    return (
        HEADER.format(
            doc="The self-assessment tool of the Citizen Focus guide (Home Office, March 2007), in its\n"
            "words: what each score means; the six components, their key indicators and descriptors."
        )
        + f"SCALE = {pprint.pformat(scale(text), width=110, sort_dicts=False)}\n\n"
        + f"COMPONENTS = {pprint.pformat(components(text), width=110, sort_dicts=False)}\n"
    )


def render_guidance(text: str) -> str:
    return (
        HEADER.format(
            doc="The guidance chapter for each component of the Citizen Focus guide (Home Office, March\n"
            "2007) as blocks of text (h2, h3, p, ul), each of (style, words) parts."
        )
        + f"CHAPTERS = {pprint.pformat(chapters(text), width=110, sort_dicts=False)}\n"
    )


def main(argv: list[str]) -> None:
    text = Path(argv[1]).read_text(encoding="utf-8")
    here = Path(__file__).resolve().parent
    (here / "assessment_data.py").write_text(render_data(text), encoding="utf-8")
    (here / "assessment_guidance.py").write_text(render_guidance(text), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv)
