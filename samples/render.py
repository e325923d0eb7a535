"""Draw a clean A4 page from text blocks and return the exact text drawn.

The ground truth comes from the same wrapped lines that are drawn, so it can
never drift from the image. Text is normalised to NFC before drawing because
Pillow's basic layout engine draws precomposed Vietnamese letters (which
Liberation Serif has) correctly but misplaces combining marks.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np
from PIL import Image, ImageDraw, ImageFont

Style = Literal["regular", "bold", "italic"]
Align = Literal["left", "center", "right", "signature"]

A4_MM = (210.0, 297.0)
# Margins of Circular 30/2020/ND-CP papers: top, bottom, left, right in mm.
MARGINS_MM = (20.0, 20.0, 30.0, 20.0)
_FONT_DIRS = (Path("/usr/share/fonts/truetype/liberation2"), Path("/usr/share/fonts/truetype/liberation"))
_FONT_FILES: dict[Style, str] = {
    "regular": "LiberationSerif-Regular.ttf",
    "bold": "LiberationSerif-Bold.ttf",
    "italic": "LiberationSerif-Italic.ttf",
}


class PageOverflow(ValueError):
    """The blocks do not fit on one page at this size and spacing."""


@dataclass(frozen=True)
class Block:
    """A run of text laid out as one or more lines; long text wraps inside the margins.

    ``space_before`` is in line heights; ``indent`` indents the first line like a
    paragraph; ``signature`` centres lines on the right half, where papers sign;
    ``rule`` draws the short line printed under the national motto.
    """

    text: str
    style: Style = "regular"
    align: Align = "left"
    indent: bool = False
    space_before: float = 0.0
    scale: float = 1.0
    rule: bool = False


@dataclass(frozen=True)
class _PlacedLine:
    text: str
    x: int
    baseline: int
    font: ImageFont.FreeTypeFont


def mm_to_px(mm: float, dpi: int) -> int:
    return round(mm / 25.4 * dpi)


def page_size(dpi: int) -> tuple[int, int]:
    """A4 (width, height) in pixels."""
    return mm_to_px(A4_MM[0], dpi), mm_to_px(A4_MM[1], dpi)


@lru_cache(maxsize=64)
def font(style: Style, size_px: int) -> ImageFont.FreeTypeFont:
    for folder in _FONT_DIRS:
        path = folder / _FONT_FILES[style]
        if path.exists():
            return ImageFont.truetype(str(path), size_px, layout_engine=ImageFont.Layout.BASIC)
    raise FileNotFoundError(f"{_FONT_FILES[style]} not found in {[str(d) for d in _FONT_DIRS]}")


def _wrap(words: list[str], face: ImageFont.FreeTypeFont, first_width: float, width: float) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        limit = first_width if not lines else width
        if current and face.getlength(candidate) > limit:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def _layout(blocks: Sequence[Block], dpi: int, font_pt: float, line_spacing: float
            ) -> tuple[list[_PlacedLine], list[tuple[int, int, int]]]:
    width, height = page_size(dpi)
    top, bottom, left, right = (mm_to_px(m, dpi) for m in MARGINS_MM)
    text_width = width - left - right
    indent = mm_to_px(12.7, dpi)
    base_px = font_pt * dpi / 72.0
    line_height = base_px * line_spacing
    y = float(top)
    lines: list[_PlacedLine] = []
    rules: list[tuple[int, int, int]] = []
    for block in blocks:
        face = font(block.style, round(base_px * block.scale))
        ascent, _ = face.getmetrics()
        words = unicodedata.normalize("NFC", block.text).split()
        first_width = text_width - (indent if block.indent else 0)
        y += block.space_before * line_height
        widest = 0.0
        for i, text in enumerate(_wrap(words, face, first_width, text_width)):
            length = face.getlength(text)
            widest = max(widest, length)
            if block.align == "center":
                x = left + (text_width - length) / 2
            elif block.align == "right":
                x = left + text_width - length
            elif block.align == "signature":
                x = left + text_width * 0.75 - length / 2
            else:
                x = left + (indent if block.indent and i == 0 else 0)
            lines.append(_PlacedLine(text, round(x), round(y + ascent), face))
            y += line_height * block.scale
        if block.rule:
            rule_width = widest * 0.45
            rules.append((round(left + (text_width - rule_width) / 2), round(y), round(rule_width)))
            y += line_height * 0.2
    if y > height - bottom:
        raise PageOverflow(f"content needs {y:.0f}px but the page allows {height - bottom}px")
    return lines, rules


def render_page(blocks: Sequence[Block], dpi: int = 300, *, font_pt: float = 13.0,
                line_spacing: float = 1.3) -> tuple[np.ndarray, str]:
    """Return the page as grayscale uint8 (white paper) and its text, lines joined by "\\n".

    Raises PageOverflow when the blocks need more than one page.
    """
    lines, rules = _layout(blocks, dpi, font_pt, line_spacing)
    image = Image.new("L", page_size(dpi), 255)
    draw = ImageDraw.Draw(image)
    for line in lines:
        draw.text((line.x, line.baseline), line.text, font=line.font, fill=0, anchor="ls")
    thickness = max(1, round(dpi / 150))
    for x, y, length in rules:
        draw.rectangle((x, y, x + length, y + thickness - 1), fill=0)
    return np.asarray(image, dtype=np.uint8).copy(), "\n".join(line.text for line in lines)
