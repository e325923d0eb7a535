"""Scanner-like degradations of a clean grayscale page.

Each function takes and returns a uint8 array and never modifies its input, so
tests can apply one effect at a time. Angles follow the mathematical
convention: positive degrees turn the page content counter-clockwise as seen
on screen, so undoing a recorded ``skew_degrees``/``rotation`` means turning by
the negative amount.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

import cv2
import numpy as np

Level = Literal["clean", "mild", "harsh"]
LEVELS: tuple[Level, ...] = ("clean", "mild", "harsh")
# How ``mixed`` spreads documents over the levels.
MIXED_WEIGHTS: dict[Level, float] = {"clean": 0.3, "mild": 0.45, "harsh": 0.25}


def skew(image: np.ndarray, degrees: float) -> np.ndarray:
    """Turn by a small angle, growing the canvas so no text is cut off; new corners are white."""
    if degrees == 0:
        return image.copy()
    height, width = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    new_width = int(np.ceil(width * cos + height * sin))
    new_height = int(np.ceil(width * sin + height * cos))
    matrix[0, 2] += (new_width - width) / 2
    matrix[1, 2] += (new_height - height) / 2
    return cv2.warpAffine(image, matrix, (new_width, new_height), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=255)


def rotate(image: np.ndarray, degrees: int) -> np.ndarray:
    """Turn by a multiple of 90 degrees, as when a page is fed sideways or upside down."""
    if degrees % 90:
        raise ValueError(f"rotation must be a multiple of 90, got {degrees}")
    return np.ascontiguousarray(np.rot90(image, (degrees // 90) % 4))


def gaussian_noise(image: np.ndarray, sigma: float, seed: int) -> np.ndarray:
    if sigma <= 0:
        return image.copy()
    rng = np.random.default_rng(seed)
    noise = rng.standard_normal(image.shape, dtype=np.float32)
    noise *= sigma
    noise += image
    return np.clip(noise, 0, 255, out=noise).astype(np.uint8)


def specks(image: np.ndarray, density: float, seed: int) -> np.ndarray:
    """Salt-and-pepper as scanners show it: small dark dust dots and white dropouts.

    ``density`` is the fraction of pixels that seed a speck; each grows to 1-3 px.
    """
    if density <= 0:
        return image.copy()
    rng = np.random.default_rng(seed)
    height, width = image.shape[:2]
    count = max(1, round(density * height * width))
    ys = rng.integers(0, height, count)
    xs = rng.integers(0, width, count)
    dark = rng.random(count) < 0.6
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3))
    result = image.copy()
    for is_dark, value in ((True, 0), (False, 255)):
        seeds = np.zeros((height, width), np.uint8)
        seeds[ys[dark == is_dark], xs[dark == is_dark]] = 1
        result[cv2.dilate(seeds, kernel).astype(bool)] = value
    return result


def blur(image: np.ndarray, sigma: float) -> np.ndarray:
    if sigma <= 0:
        return image.copy()
    return cv2.GaussianBlur(image, (0, 0), sigma)


def uneven_lighting(image: np.ndarray, strength: float, seed: int) -> np.ndarray:
    """Darken the page by up to ``strength`` with a smooth field: a random tilt plus a vignette."""
    if strength <= 0:
        return image.copy()
    rng = np.random.default_rng(seed)
    height, width = image.shape[:2]
    small_h, small_w = 48, 34
    ys, xs = np.mgrid[0:small_h, 0:small_w].astype(np.float32)
    ys, xs = ys / (small_h - 1) - 0.5, xs / (small_w - 1) - 0.5
    angle = rng.uniform(0, 2 * np.pi)
    tilt = (np.cos(angle) * xs + np.sin(angle) * ys) + 0.5
    vignette = (xs ** 2 + ys ** 2) * 2
    shade = 0.6 * tilt + 0.4 * vignette
    shade = (shade - shade.min()) / max(float(shade.max() - shade.min()), 1e-6)
    field = cv2.resize(1.0 - strength * shade, (width, height), interpolation=cv2.INTER_LINEAR)
    return np.clip(image.astype(np.float32) * field, 0, 255).astype(np.uint8)


def jpeg_artifacts(image: np.ndarray, quality: int) -> np.ndarray:
    ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    decoded = cv2.imdecode(encoded, cv2.IMREAD_GRAYSCALE)
    if decoded is None:
        raise RuntimeError("JPEG decoding failed")
    return decoded


@dataclass(frozen=True)
class Degradation:
    """What was done to one page; stored in ground_truth.json so OCR errors can be explained."""

    dpi: int = 300
    rotation: int = 0
    skew_degrees: float = 0.0
    noise_sigma: float = 0.0
    speck_density: float = 0.0
    blur_sigma: float = 0.0
    lighting: float = 0.0
    jpeg_quality: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _signed(rng: np.random.Generator, low: float, high: float) -> float:
    return float(rng.uniform(low, high) * rng.choice((-1.0, 1.0)))


def sample(level: Level, rng: np.random.Generator, dpi: int | None = None) -> Degradation:
    """Draw degradations for one page; ``dpi`` overrides the level's own resolution choice."""
    if level == "clean":
        return Degradation(dpi=dpi or 300)
    if level == "mild":
        return Degradation(
            dpi=dpi or 300,
            skew_degrees=round(_signed(rng, 0.0, 2.0), 2),
            noise_sigma=round(float(rng.uniform(2.0, 6.0)), 1),
            speck_density=round(float(rng.uniform(0.0, 2e-5)), 7),
            jpeg_quality=int(rng.integers(70, 91)),
        )
    if level == "harsh":
        own_dpi = int(rng.choice((200, 240, 250, 300)))  # drawn even when overridden, so other draws stay put
        return Degradation(
            dpi=dpi or own_dpi,
            rotation=int(rng.choice((90, 180, 270))) if rng.random() < 0.3 else 0,
            skew_degrees=round(_signed(rng, 0.5, 5.0), 2),
            noise_sigma=round(float(rng.uniform(6.0, 14.0)), 1),
            speck_density=round(float(rng.uniform(2e-5, 1.5e-4)), 7),
            blur_sigma=round(float(rng.uniform(0.5, 1.1)), 2),
            lighting=round(float(rng.uniform(0.15, 0.35)), 2),
            jpeg_quality=int(rng.integers(40, 71)),
        )
    raise ValueError(f"unknown level {level!r}; expected one of {LEVELS}")


def apply(image: np.ndarray, params: Degradation, seed: int) -> np.ndarray:
    """Degrade in physical order: paper placement, optics, light, sensor noise, dust, encoding."""
    seeds = np.random.SeedSequence(seed).generate_state(3)
    out = skew(image, params.skew_degrees)
    out = blur(out, params.blur_sigma)
    out = uneven_lighting(out, params.lighting, int(seeds[0]))
    out = gaussian_noise(out, params.noise_sigma, int(seeds[1]))
    out = specks(out, params.speck_density, int(seeds[2]))
    if params.jpeg_quality is not None:
        out = jpeg_artifacts(out, params.jpeg_quality)
    return rotate(out, params.rotation)
