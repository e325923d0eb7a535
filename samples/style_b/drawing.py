"""Style B's faces, coloured ink and the A4 form it lays papers out on.

Style A draws in Liberation (Times- and Arial-metric) faces, always in black on
white and always ``Label: value``. Real papers come out of many printers and
programs: Noto and DejaVu faces, values typed over dotted leaders or set on the
line under their label, labels in bold, ruled tables with label cells, red
seals stamped across the signer's name and blue signatures. ``Canvas`` keeps
black print on its own image and coloured ink on layers, so one drawing gives
both the colour original (for colour scans and phone photos) and what a
greyscale scanner makes of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from itertools import groupby
from pathlib import Path
from typing import Literal

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from samples.specimens import MOTTO, PT_MM, Sheet, Specimen, Style, _emblem, _signature
from samples.text import long_date, pick
from search.folding import nfc

# face -> (folder, file per style, Debian package that installs it)
_FACES: dict[str, tuple[str, dict[Style, str], str]] = {
    "noto-serif": ("/usr/share/fonts/truetype/noto",
                   {"regular": "NotoSerif-Regular.ttf", "bold": "NotoSerif-Bold.ttf",
                    "italic": "NotoSerif-Italic.ttf"}, "fonts-noto-core"),
    "noto-serif-display": ("/usr/share/fonts/truetype/noto",
                           {"regular": "NotoSerifDisplay-Regular.ttf", "bold": "NotoSerifDisplay-Bold.ttf",
                            "italic": "NotoSerifDisplay-Italic.ttf"}, "fonts-noto-core"),
    "noto-sans": ("/usr/share/fonts/truetype/noto",
                  {"regular": "NotoSans-Regular.ttf", "bold": "NotoSans-Bold.ttf", "italic": "NotoSans-Italic.ttf"},
                  "fonts-noto-core"),
    "dejavu-serif": ("/usr/share/fonts/truetype/dejavu",
                     {"regular": "DejaVuSerif.ttf", "bold": "DejaVuSerif-Bold.ttf", "italic": "DejaVuSerif-Italic.ttf"},
                     "fonts-dejavu-core and fonts-dejavu-extra"),
    "dejavu-sans": ("/usr/share/fonts/truetype/dejavu",
                    {"regular": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf", "italic": "DejaVuSans-Oblique.ttf"},
                    "fonts-dejavu-core and fonts-dejavu-extra"),
    "dejavu-condensed": ("/usr/share/fonts/truetype/dejavu",
                         {"regular": "DejaVuSansCondensed.ttf", "bold": "DejaVuSansCondensed-Bold.ttf",
                          "italic": "DejaVuSansCondensed-Oblique.ttf"}, "fonts-dejavu-extra"),
    # A Courier-like typewriter face for the values typed onto old CMND cards (style A never draws in it;
    # DejaVu Sans Mono lacks 46 Vietnamese letters).
    "typewriter": ("/usr/share/fonts/truetype/liberation2",
                   {"regular": "LiberationMono-Regular.ttf", "bold": "LiberationMono-Bold.ttf",
                    "italic": "LiberationMono-Italic.ttf"}, "fonts-liberation2"),
    # ICAO 9303 prints the MRZ in OCR-B; only its ASCII is needed.
    "ocr-b": ("/usr/share/fonts/opentype/ocr-b", {"regular": "OCRB.otf", "bold": "OCRB.otf", "italic": "OCRB.otf"},
              "fonts-ocr-b"),
}
PAPER_FACES = ("noto-serif", "noto-serif", "dejavu-serif", "noto-serif-display", "noto-sans", "dejavu-sans",
               "dejavu-condensed")
PRINTOUT_FACES = ("noto-sans", "dejavu-sans", "dejavu-condensed", "noto-serif")  # what web systems print in

RGB = tuple[int, int, int]
RED: RGB = (205, 35, 45)
BLUE_INK: RGB = (35, 55, 150)
WHITE: RGB = (255, 255, 255)


@dataclass(frozen=True)
class Rendered:
    """A style B specimen: the truth with the flat paper in grey, the same paper in colour, and for cards
    the faces in colour, to be photographed lying on a table instead of photocopied."""

    specimen: Specimen
    colour: np.ndarray
    faces: tuple[np.ndarray, ...] = field(default=())


@lru_cache(maxsize=256)
def face_font(face: str, style: Style, size_px: int) -> ImageFont.FreeTypeFont:
    """A style B face; a missing one names the Debian package to install, never falls back silently."""
    folder, files, package = _FACES[face]
    path = Path(folder) / files[style]
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: style B specimens need the Debian package {package}")
    return ImageFont.truetype(str(path), max(size_px, 1), layout_engine=ImageFont.Layout.BASIC)


class Canvas(Sheet):
    """A sheet in style B's faces whose coloured ink (seals, signatures, card print) sits on layers."""

    def __init__(self, width_mm: float, height_mm: float, dpi: int, face: str, paper: RGB = WHITE) -> None:
        super().__init__(width_mm, height_mm, dpi, face)  # type: ignore[arg-type]
        self.paper = paper
        self.layers: list[tuple[Canvas, RGB]] = []

    def font(self, pt: float, style: Style = "regular", family: str | None = None) -> ImageFont.FreeTypeFont:
        return face_font(family or self.family, style, round(pt * self.dpi / 72))

    def ink(self, colour: RGB) -> Canvas:
        """A layer of the same size: whatever is drawn dark on it prints in ``colour``."""
        layer = Canvas(self.width_mm, self.height_mm, self.dpi, self.family)
        self.layers.append((layer, colour))
        return layer

    def rgb(self) -> np.ndarray:
        """Inks multiply, as they do on paper: black print, then each coloured layer over the paper colour."""
        out = np.asarray(self.image, np.float32)[..., None] / 255.0 * np.asarray(self.paper, np.float32)
        for layer, colour in self.layers:
            alpha = 1.0 - np.asarray(layer.image, np.float32)[..., None] / 255.0
            out *= 1.0 - alpha * (1.0 - np.asarray(colour, np.float32) / 255.0)
        return np.clip(out.round(), 0, 255).astype(np.uint8)

    def gray(self) -> np.ndarray:
        return cv2.cvtColor(self.rgb(), cv2.COLOR_RGB2GRAY)

    def lines(self, x: float, y: float, width: float, runs: list[tuple[str, Style]], pt: float, *,
              leading: float = 1.3, family: str | None = None) -> tuple[float, float]:
        """Wrapped runs from ``x``; returns (baseline after the last line, x where the last line ends)."""
        space = self.measure(" ", pt, "regular", family)  # type: ignore[arg-type]
        end = x
        for line in self.wrap(runs, width, pt, family=family):  # type: ignore[arg-type]
            cursor = x
            # Words of one style go out as one string: a glyph render per word was most of the time.
            for style, group in groupby(line, key=lambda word: word[1]):
                words = list(group)
                self.text(cursor, y, " ".join(w for w, _, _ in words), pt, style, family=family)  # type: ignore[arg-type]
                cursor += sum(size for _, _, size in words) + space * len(words)
            end = cursor - space
            y += pt * PT_MM * leading
        return y, end

    def centred(self, cx: float, y: float, width: float, text: str, pt: float, style: Style = "regular") -> float:
        """Text wrapped to ``width`` and centred on ``cx``; returns the next baseline."""
        for words in self.wrap([(text, style)], width, pt):
            self.text(cx, y, " ".join(word for word, _, _ in words), pt, style, align="center")
            y += pt * PT_MM * 1.25
        return y

    def dots(self, x0: float, x1: float, y: float, pt: float) -> None:
        """A typed dotted leader ("......") between x0 and x1, as forms leave where a value goes."""
        dot = self.measure(".", pt)
        if x1 - x0 > dot * 2:
            self.text(x0, y, "." * int((x1 - x0) / dot), pt)


def ring_text(sheet: Canvas, cx: float, cy: float, radius: float, text: str, pt: float) -> None:
    """Capitals set round a circle, reading clockwise from the left, as on a round seal."""
    font = sheet.font(pt, "bold")
    widths = [font.getlength(char) for char in text]
    total = sum(widths) / sheet.px(1.0)  # mm along the circle
    angle = -np.pi / 2 - total / radius / 2  # start so the text is centred on the top
    for char, width_px in zip(text, widths, strict=True):
        step = width_px / sheet.px(1.0) / radius
        middle = angle + step / 2
        angle += step
        if char == " ":
            continue
        box = font.getbbox(char, anchor="ms")
        size = int(max(box[2] - box[0], box[3] - box[1]) * 2 + 4)
        glyph = Image.new("L", (size, size), 0)
        ImageDraw.Draw(glyph).text((size / 2, size / 2), char, font=font, fill=255, anchor="mm")
        glyph = glyph.rotate(-np.degrees(middle + np.pi / 2), resample=Image.BICUBIC)
        x = sheet.px(cx + radius * np.cos(middle)) - size // 2
        y = sheet.px(cy + radius * np.sin(middle)) - size // 2
        sheet.image.paste(0, (x, y), glyph)


def seal(layer: Canvas, cx: float, cy: float, text: str, *, radius: float = 17.0) -> None:
    """A round red seal: two rings, the body's name round the rim and the national emblem inside."""
    layer.ellipse(cx - radius, cy - radius, cx + radius, cy + radius, outline=40, width=0.8)
    inner = radius * 0.66
    layer.ellipse(cx - inner, cy - inner, cx + inner, cy + inner, outline=40, width=0.35)
    # Type that fills about 80% of the rim without leaving the band between the rings.
    pt = min(0.8 * radius, 0.8 * 2 * np.pi * 0.77 * radius / (len(text) * 0.68 * PT_MM))
    ring_text(layer, cx, cy, radius * 0.77, text.upper(), pt)
    _emblem(layer, cx - inner * 0.62, cy - inner * 0.62, inner * 1.24)


# --- how a paper is set ------------------------------------------------------

Mode = Literal["colon", "dots", "below"]
DateStyle = Literal["slash", "dash", "long", "short"]


@dataclass(frozen=True)
class Look:
    """One paper's typesetting: the same values read differently in each of these."""

    face: str
    pt: float
    mode: Mode  # value after "Label:", typed over a dotted leader, or on the line under the label
    label_bold: bool
    left: float
    right: float
    dates: DateStyle
    capitals: bool  # names in capitals, as most papers print them, or as typed

    def smaller(self) -> Look:
        return replace(self, pt=self.pt - 0.75, mode="colon" if self.pt < 12 else self.mode)


def draw_look(rng: np.random.Generator, faces: tuple[str, ...] = PAPER_FACES, *,
              modes: tuple[Mode, ...] = ("colon", "colon", "dots", "dots", "below"),
              dates: tuple[DateStyle, ...] = ("slash", "slash", "dash", "long", "short")) -> Look:
    return Look(face=pick(rng, faces), pt=float(rng.choice((11.5, 12.0, 12.5, 13.0, 13.0, 14.0))),
                mode=pick(rng, modes), label_bold=bool(rng.random() < 0.35),
                left=float(rng.uniform(18.0, 30.0)), right=210.0 - float(rng.uniform(12.0, 20.0)),
                dates=pick(rng, dates), capitals=bool(rng.random() < 0.75))


def show_date(day: date, style: DateStyle) -> str:
    """A date the ways Vietnamese papers print it: 05/03/2024, 05-03-2024, ngày 05 tháng 3 năm 2024, 5/3/2024."""
    if style == "slash":
        return f"{day:%d/%m/%Y}"
    if style == "dash":
        return f"{day:%d-%m-%Y}"
    if style == "short":
        return f"{day.day}/{day.month}/{day.year}"
    return long_date(day)


# The motto's second line with hyphens, as style A sets it, or with the en dashes many printed forms use.
_SECOND_LINES = (MOTTO[1], MOTTO[1].replace(" - ", " – "))


class Form(Canvas):
    """An A4 paper filled top to bottom in one ``Look``."""

    def __init__(self, dpi: int, look: Look, paper: RGB = WHITE) -> None:
        super().__init__(210.0, 297.0, dpi, look.face, paper)
        self.look = look
        self.y = 14.0

    @property
    def pt(self) -> float:
        return self.look.pt

    @property
    def width(self) -> float:
        return self.look.right - self.look.left

    def step(self, leading: float = 1.3, pt: float | None = None) -> float:
        return (pt or self.pt) * PT_MM * leading

    def name(self, full_name: str) -> str:
        return full_name.upper() if self.look.capitals else full_name

    def date(self, day: date) -> str:
        return show_date(day, self.look.dates)

    def fits(self) -> bool:
        return self.y <= 297.0 - 10.0

    # --- headings

    def motto_block(self, cx: float, y: float, pt: float, dash: int) -> float:
        """The national motto centred on ``cx``, its second line underlined; returns the next baseline."""
        self.text(cx, y, MOTTO[0], pt, "bold", align="center")
        y += self.step(1.25, pt)
        end = self.text(cx, y, _SECOND_LINES[dash], pt + 0.5, "bold", align="center")
        self.line(2 * cx - end, y + 1.4, end, y + 1.4, width=0.25)
        return y + self.step(1.5, pt)

    def header(self, agency: list[str], number: str | None, rng: np.random.Generator) -> None:
        """Issuing body top left (last line bold, a short rule under it), the motto top right."""
        pt = self.pt - 0.5
        left_cx = self.look.left + 36.0
        right_cx = (left_cx + 36.0 + self.look.right) / 2
        column = self.look.right - left_cx - 38.0
        while self.measure(MOTTO[0], pt - 0.5, "bold") > column:
            pt -= 0.5
        top = self.y + self.step(1.0, pt)
        y = top
        for k, text in enumerate(agency):
            y = self.centred(left_cx, y, 72.0, text, pt, "bold" if k == len(agency) - 1 else "regular")
        self.line(left_cx - 10, y - self.step(1.2, pt) + 2.0, left_cx + 10, y - self.step(1.2, pt) + 2.0, width=0.25)
        if number:
            y += 1.5
            self.text(left_cx, y, number, pt, align="center")
            y += self.step(1.2, pt)
        right_y = self.motto_block(right_cx, top, pt - 0.5, int(rng.integers(2)))
        self.y = max(y, right_y)

    def motto(self, rng: np.random.Generator) -> None:
        self.y = self.motto_block((self.look.left + self.look.right) / 2, self.y + self.step(1.0), self.pt,
                                  int(rng.integers(2)))

    def title(self, text: str, pt: float | None = None, style: Style = "bold", *, space: float = 0.6) -> None:
        pt = pt or self.pt + 3
        self.y += self.step(space)
        for line in text.split("\n"):
            self.y = self.centred((self.look.left + self.look.right) / 2, self.y, self.width, line, pt, style)

    def para(self, text: str, *, style: Style = "regular", indent: float = 10.0, space: float = 0.2) -> None:
        self.y += self.step(space)
        self.y, _ = self.lines(self.look.left + indent, self.y, self.width - indent, [(text, style)], self.pt)

    # --- fields

    def field(self, label: str, value: str, *, bold: bool = False, mode: Mode | None = None, indent: float = 0.0,
              space: float = 0.0) -> None:
        """One labelled value, set the paper's way (or ``mode``'s)."""
        mode = mode or self.look.mode
        label_style: Style = "bold" if self.look.label_bold else "regular"
        value_style: Style = "bold" if bold else "regular"
        x, width = self.look.left + indent, self.width - indent
        self.y += self.step(space)
        if mode == "below":
            self.y, _ = self.lines(x, self.y, width, [(f"{label}:", label_style)], self.pt)
            self.y, _ = self.lines(x + 8.0, self.y, width - 8.0, [(value, value_style)], self.pt)
        elif mode == "colon":
            self.y, _ = self.lines(x, self.y, width, [(f"{label}:", label_style), (value, value_style)], self.pt)
        else:
            self._dotted(x, width, label, value, label_style, value_style)

    def _dotted(self, x: float, width: float, label: str, value: str, label_style: Style, value_style: Style) -> None:
        """``Label:....VALUE.........``: the value typed over the leader, dots left on both sides."""
        y, label_end = self.lines(x, self.y, width, [(f"{label}:", label_style)], self.pt)
        y -= self.step()
        lead = self.measure("....", self.pt)
        if label_end + lead + self.measure(value.split()[0] if value.split() else "", self.pt, value_style) > x + width:
            self.dots(label_end + 0.8, x + width, y, self.pt)
            y += self.step()
            label_end = x - lead - 0.8
        self.dots(label_end + 0.8, label_end + lead, y, self.pt)
        start = label_end + lead + 1.0
        first = self.wrap([(value, value_style)], x + width - start, self.pt)[0]
        rest = " ".join(nfc(value).split()[len(first):])
        _, end = self.lines(start, y, x + width - start, [(" ".join(w for w, _, _ in first), value_style)], self.pt)
        self.dots(end + 1.0, x + width, y, self.pt)
        y += self.step()
        while rest:
            line = self.wrap([(rest, value_style)], width - 3.0, self.pt)[0]
            rest = " ".join(rest.split()[len(line):])
            _, end = self.lines(x + 3.0, y, width, [(" ".join(w for w, _, _ in line), value_style)], self.pt)
            self.dots(end + 1.0, x + width, y, self.pt)
            y += self.step()
        self.y = y

    def row(self, cells: list[tuple[str, str]], stops: tuple[float, ...] | None = None, *,
            bold: tuple[bool, ...] | None = None) -> None:
        """Short ``Label: value`` pairs on one line at tab stops; in dotted papers the leaders run to the next stop."""
        stops = stops or tuple(self.width * k / len(cells) for k in range(len(cells)))
        label_style: Style = "bold" if self.look.label_bold else "regular"
        edges = [*stops[1:], self.width]
        value_end = self.look.left - self.measure("   ", self.pt)
        for k, ((label, value), stop) in enumerate(zip(cells, stops, strict=True)):
            style: Style = "bold" if bold and bold[k] else "regular"
            gap = self.measure("...", self.pt) if self.look.mode == "dots" else self.measure(" ", self.pt)
            start = max(self.look.left + stop, value_end + self.measure("   ", self.pt))  # a long value pushes on
            if k and start + self.measure(f"{label}: {value}", self.pt, style) + gap > self.look.right:
                self.y += self.step()  # and what no longer fits goes to the next line
                start = self.look.left
            end = self.text(start, self.y, f"{label}:", self.pt, label_style)
            if self.look.mode == "dots":
                self.dots(end + 0.5, end + gap, self.y, self.pt)
            value_end = self.text(end + gap + 0.8, self.y, value, self.pt, style)
            if self.look.mode == "dots":
                self.dots(value_end + 0.8, self.look.left + edges[k] - 2.0, self.y, self.pt)
                value_end = max(value_end, self.look.left + edges[k] - 2.0)
        self.y += self.step()

    def boxes(self, label: str, number: str, *, box: float = 5.5) -> None:
        """A number one digit per box, as forms CT01 and CT07 print the personal number."""
        label_style: Style = "bold" if self.look.label_bold else "regular"
        end = self.text(self.look.left, self.y, f"{label}:", self.pt, label_style)
        if end + 2.0 + box * len(number) > self.look.right:
            self.y += self.step(1.4)
            end = self.look.left + 8.0
        for k, digit in enumerate(number):
            left = end + 2.0 + k * box
            self.rect(left, self.y - box * 0.78, left + box, self.y + box * 0.22, width=0.2)
            self.text(left + box / 2, self.y - 0.3, digit, self.pt, align="center")
        self.y += self.step(1.5)

    def table(self, rows: list[list[str]], widths: list[float], *, head: int = 0, bold_cells: set[tuple[int, int]]
              | frozenset[tuple[int, int]] = frozenset(), pt: float | None = None, label_column: bool = False) -> None:
        """A ruled table; ``head`` rows in bold and centred, a label column in the paper's label style."""
        pt = pt or self.pt - 0.5
        scale = self.width / sum(widths)
        edges = np.cumsum([0.0, *[w * scale for w in widths]]) + self.look.left
        line_h = pt * PT_MM * 1.25
        top = self.y - line_h * 0.9
        y = top
        self.line(edges[0], y, edges[-1], y, width=0.2)
        for r, row in enumerate(rows):
            wrapped = []
            for c, cell in enumerate(row):
                style: Style = "bold" if r < head or (r, c) in bold_cells or (
                    label_column and c == 0 and self.look.label_bold) else "regular"
                wrapped.append((self.wrap([(cell, style)], edges[c + 1] - edges[c] - 2.4, pt) if cell else [], style))
            height = max(1, *(len(lines) for lines, _ in wrapped)) * line_h + 1.6
            for c, (lines, style) in enumerate(wrapped):
                for k, words in enumerate(lines):
                    text = " ".join(word for word, _, _ in words)
                    baseline = y + 0.8 + line_h * (k + 0.8)
                    if r < head:
                        self.text((edges[c] + edges[c + 1]) / 2, baseline, text, pt, style, align="center")
                    else:
                        self.text(edges[c] + 1.2, baseline, text, pt, style)
            y += height
            self.line(edges[0], y, edges[-1], y, width=0.2)
        for x in edges:
            self.line(x, top, x, y, width=0.2)
        self.y = y + self.step(1.0)

    # --- the foot of the paper

    def place_date(self, text: str, *, cx: float | None = None) -> None:
        self.y += self.step(0.5)
        cx = cx or self.look.left + self.width * 0.72
        width = self.measure(text, self.pt - 0.5, "italic")
        cx = min(cx, self.look.right - width / 2)
        self.text(cx, self.y, text, self.pt - 0.5, "italic", align="center")
        self.y += self.step(1.1)

    def signer(self, rng: np.random.Generator, cx: float, role: str, note: str | None, name: str, *,
               seal_text: str | None = None, top: float | None = None) -> float:
        """A signature block: role lines in bold, the note, a blue signature, the name; a red seal over its left."""
        y = self.y if top is None else top
        column = 78.0
        for line in role.split("\n"):
            y = self.centred(cx, y, column, line, self.pt, "bold")
        if note:
            y = self.centred(cx, y, column, note, self.pt - 1.5, "italic")
        _signature(self.ink(BLUE_INK), rng, cx + rng.uniform(-4, 6), y + 9.0, 26.0)
        name_y = y + float(rng.uniform(17.0, 21.0))
        if seal_text:  # over the left of the signature, as an office stamps it
            seal(self.ink(RED), cx - float(rng.uniform(12.0, 18.0)), y + float(rng.uniform(8.0, 12.0)), seal_text,
                 radius=16.0)
        end = self.centred(cx, name_y, column, name, self.pt, "bold")
        return end

