"""How style B's papers reach the clerk: scanned, or photographed with a phone.

Scans reuse ``samples.degrade`` (in grey, or per colour channel for a colour
scan, with the same geometry and noise on every channel). Phone photos are
what style A never makes and counters receive daily over chat apps: the
paper or both card faces lying on a table, seen at an angle (a perspective
warp), on a wooden, cloth, tiled or desk background, lit unevenly, sometimes
with a lamp's glare on a laminated card, slightly out of focus, at 110-150
pixels per inch of paper (130-220 for close-ups of cards) and saved as a JPEG
that says nothing about its resolution.
"""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass
from typing import Literal

import cv2
import numpy as np
from PIL import Image, ImageDraw

from samples import degrade
from samples.style_b.drawing import Rendered
from samples.text import pick

Capture = Literal["scan", "photo"]
CARD_TYPES = ("cccd", "cmnd")
BACKGROUNDS = ("wood", "cloth", "desk", "tiles")


def draw_capture(doc_type: str, level: degrade.Level, rng: np.random.Generator) -> Capture:
    """A clean specimen is a good flat scan; otherwise cards are photographed more often than papers."""
    if level == "clean":
        return "scan"
    return "photo" if rng.random() < (0.6 if doc_type in CARD_TYPES else 0.35) else "scan"


def scan_dpi(level: degrade.Level, rng: np.random.Generator) -> int:
    """Counters scan at 300 dpi when they can, 150-200 dpi when a scanner's default is left alone."""
    if level == "clean":
        return 300
    return int(rng.choice((150, 200, 300, 300) if level == "mild" else (150, 150, 200, 240)))


def scan(rendered: Rendered, params: degrade.Degradation, seed: int, *, colour: bool) -> np.ndarray:
    """The flat paper through ``degrade.apply``: grey, or each channel with the same seed for a colour scan."""
    if not colour:
        return degrade.apply(rendered.specimen.image, params, seed)
    return np.dstack([degrade.apply(np.ascontiguousarray(rendered.colour[..., c]), params, seed) for c in range(3)])


@dataclass(frozen=True)
class Photo:
    """One phone photo's conditions; stored with the specimen so misses can be explained."""

    dpi: int  # pixels per inch of paper; the JPEG carries no resolution
    tilt: float  # degrees the paper is turned on the table
    keystone: float  # corner displacement of the perspective, as a share of the picture
    background: str
    light: float
    glare: float
    blur: float
    noise: float
    jpeg_quality: int

    def as_dict(self) -> dict[str, object]:
        return {"capture": "photo", **asdict(self), "encoding": "jpeg-no-dpi"}


def sample_photo(level: degrade.Level, rng: np.random.Generator, *, card: bool) -> Photo:
    harsh = level == "harsh"
    dpi = int(rng.integers(130, 221) if card else rng.integers(110, 151))
    return Photo(
        dpi=int(dpi * 0.85) if harsh else dpi,
        tilt=round(float(rng.uniform(-12.0, 12.0) if card else rng.uniform(-5.0, 5.0)), 2),
        keystone=round(float(rng.uniform(0.02, 0.14 if harsh else 0.08)), 3),
        background=pick(rng, BACKGROUNDS),
        light=round(float(rng.uniform(0.25, 0.5) if harsh else rng.uniform(0.08, 0.3)), 2),
        glare=round(float(rng.uniform(0.15, 0.45)) if card and rng.random() < 0.5 else 0.0, 2),
        blur=round(float(rng.uniform(0.8, 1.5) if harsh else rng.uniform(0.3, 0.9)), 2),
        noise=round(float(rng.uniform(5.0, 10.0) if harsh else rng.uniform(2.0, 5.0)), 1),
        jpeg_quality=int(rng.integers(45, 76) if harsh else rng.integers(70, 93)),
    )


def photograph(rendered: Rendered, params: Photo, seed: int) -> np.ndarray:
    """The card faces (or the paper) lying on a table, photographed: an RGB picture."""
    rng = np.random.default_rng(seed)
    if rendered.faces:
        items = [(face, 85.6, 3.2) for face in rendered.faces]
    else:
        items = [(rendered.colour, 210.0, 0.0)]
    return _scene(rng, items, params)


def photo_jpeg(image: np.ndarray, quality: int) -> bytes:
    """JPEG as a phone or chat app saves it: no resolution in the header (PIL writes a 1:1 aspect, no unit)."""
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


# --- the scene ---------------------------------------------------------------

def _quads(rng: np.random.Generator, items: list[tuple[np.ndarray, float, float]], tilt: float) -> list[np.ndarray]:
    """Each item's corners on the table in mm: one paper, or two cards side by side or one above the other."""
    side_by_side = rng.random() < 0.5
    quads, cursor = [], 0.0
    for image, width, _ in items:
        height = width * image.shape[0] / image.shape[1]
        if side_by_side:
            centre = np.array([cursor + width / 2, float(rng.uniform(-4, 4)) + height / 2])
            cursor += width + float(rng.uniform(4.0, 15.0))
        else:
            centre = np.array([float(rng.uniform(-6, 6)) + width / 2, cursor + height / 2])
            cursor += height + float(rng.uniform(4.0, 15.0))
        angle = np.radians(tilt + (float(rng.uniform(-4, 4)) if len(items) > 1 else 0.0))
        turn = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
        corners = np.array([[-width, -height], [width, -height], [width, height], [-width, height]]) / 2
        quads.append(corners @ turn.T + centre)
    return quads


def _scene(rng: np.random.Generator, items: list[tuple[np.ndarray, float, float]], params: Photo) -> np.ndarray:
    quads = _quads(rng, items, params.tilt)
    points = np.vstack(quads)
    low, high = points.min(axis=0), points.max(axis=0)
    margin = (high - low) * rng.uniform(0.08, 0.2, size=2)
    scale = params.dpi / 25.4  # px per mm
    size = np.ceil((high - low + 2 * margin) * scale).astype(int)
    width, height = int(size[0]), int(size[1])
    keystone = _keystone(rng, width, height, params.keystone)
    out = _background(rng, params.background, width, height)
    for (image, item_width, radius), quad in zip(items, quads, strict=True):
        corners = ((quad - low + margin) * scale).astype(np.float32)
        target = cv2.perspectiveTransform(corners[None], keystone)[0]
        source = np.float32([[0, 0], [image.shape[1], 0], [image.shape[1], image.shape[0]], [0, image.shape[0]]])
        warp = cv2.getPerspectiveTransform(source, target)
        shrink = image.shape[1] / item_width / scale  # source px per output px
        soft = cv2.GaussianBlur(image, (0, 0), 0.45 * shrink) if shrink > 1 else image
        mask = _mask(image.shape[1], image.shape[0], radius * image.shape[1] / item_width)
        flat = cv2.warpPerspective(soft, warp, (width, height), flags=cv2.INTER_LINEAR)
        alpha = cv2.warpPerspective(mask, warp, (width, height), flags=cv2.INTER_LINEAR)[..., None] / 255.0
        shadow = cv2.GaussianBlur(np.roll(alpha[..., 0], (int(scale * 1.5), int(scale * 1.0)), (0, 1)), (0, 0),
                                  scale * 1.2)[..., None]
        out = out * (1.0 - 0.35 * shadow)
        out = out * (1.0 - alpha) + flat.astype(np.float32) * alpha
    out = np.clip(out, 0, 255).astype(np.uint8)
    seeds = rng.integers(2**31, size=2)
    out = np.dstack([degrade.uneven_lighting(np.ascontiguousarray(out[..., c]), params.light, int(seeds[0]))
                     for c in range(3)])
    if params.glare:
        out = _glare(rng, out, params.glare)
    out = degrade.blur(out, params.blur)
    return degrade.gaussian_noise(out, params.noise, int(seeds[1]))


def _keystone(rng: np.random.Generator, width: int, height: int, amount: float) -> np.ndarray:
    """A camera leaning over the table: the far edge shrinks, and each corner wanders a little."""
    corners = np.float32([[0, 0], [width, 0], [width, height], [0, height]])
    lean = amount * min(width, height)
    moved = corners.copy()
    far = int(rng.integers(4))  # which edge is further from the camera
    for k in (far, (far + 1) % 4):
        moved[k] += (corners[(k + 2) % 4] - corners[k]) / np.linalg.norm(corners[(k + 2) % 4] - corners[k]) * lean
    moved += rng.uniform(-0.3, 0.3, size=(4, 2)).astype(np.float32) * lean
    # Keep the picture filled: map the moved quad's bounding box back onto the frame.
    low, high = moved.min(axis=0), moved.max(axis=0)
    moved = (moved - low) / (high - low) * np.float32([width, height])
    return cv2.getPerspectiveTransform(corners, moved.astype(np.float32))


def _mask(width: int, height: int, radius: float) -> np.ndarray:
    mask = Image.new("L", (width, height), 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, width - 1, height - 1), radius=int(radius), fill=255)
    return np.asarray(mask)


def _smooth_noise(rng: np.random.Generator, width: int, height: int, cells: tuple[int, int]) -> np.ndarray:
    small = rng.standard_normal((cells[1], cells[0])).astype(np.float32)
    return cv2.resize(small, (width, height), interpolation=cv2.INTER_CUBIC)


def _background(rng: np.random.Generator, kind: str, width: int, height: int) -> np.ndarray:
    """A table top, as float RGB."""
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    fine = rng.standard_normal((height, width)).astype(np.float32)
    if kind == "wood":
        base = np.array(pick(rng, ((150, 100, 60), (175, 125, 80), (110, 70, 45))), np.float32)
        warp = _smooth_noise(rng, width, height, (3, 12)) * 6.0
        grain = np.sin((ys / max(height, 1) * 40.0 + warp) * 2.0)
        shade = 0.85 + 0.1 * grain + 0.03 * fine
    elif kind == "cloth":
        base = np.array(pick(rng, ((60, 90, 140), (150, 60, 60), (70, 120, 80), (200, 190, 170))), np.float32)
        weave = np.sin(xs * 1.7) * np.sin(ys * 1.7)
        shade = 0.9 + 0.05 * weave + 0.06 * fine + 0.05 * _smooth_noise(rng, width, height, (6, 6))
    elif kind == "tiles":
        base = np.array(pick(rng, ((215, 210, 200), (190, 185, 175))), np.float32)
        pitch = float(rng.uniform(0.25, 0.45)) * max(width, height)
        grout = ((xs % pitch) < 4) | ((ys % pitch) < 4)
        shade = np.where(grout, 0.7, 1.0) + 0.03 * fine
    else:
        base = np.array(pick(rng, ((90, 90, 95), (230, 228, 222), (40, 40, 45))), np.float32)
        shade = 0.95 + 0.04 * fine + 0.04 * _smooth_noise(rng, width, height, (4, 4))
    return np.clip(shade[..., None] * base, 0, 255)


def _glare(rng: np.random.Generator, image: np.ndarray, strength: float) -> np.ndarray:
    """A lamp reflected in a laminated card: a bright blob that washes print out."""
    height, width = image.shape[:2]
    cx, cy = rng.uniform(0.2, 0.8) * width, rng.uniform(0.2, 0.8) * height
    radius = rng.uniform(0.05, 0.15) * max(width, height)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    blob = np.exp(-((xs - cx) ** 2 + (ys - cy) ** 2) / (2 * radius**2))[..., None]
    return np.clip(image + (255.0 - image) * strength * blob, 0, 255).astype(np.uint8)
