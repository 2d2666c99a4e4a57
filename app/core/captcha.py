"""Math captcha drawn as a PNG data URL (contract §3.1), answers kept in the store."""

from __future__ import annotations

import base64
import io
import random
import secrets

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 160, 46
FOREGROUND = "#64DAAA"
BACKGROUND = "#F5F7F4"
_rng = random.SystemRandom()


def math_challenge() -> tuple[str, str]:
    """Two operands 1-10 with +, - or *; the larger first for -. Returns (text, answer)."""
    a, b = _rng.randint(1, 10), _rng.randint(1, 10)
    op = _rng.choice("+-*")
    if op == "-" and b > a:
        a, b = b, a
    answer = {"+": a + b, "-": a - b, "*": a * b}[op]
    return f"{a}{op}{b}=", str(answer)


def render_png(text: str) -> bytes:
    """Draw the challenge with arc noise."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=32)
    x = 10
    for char in text:
        y = _rng.randint(0, 8)
        draw.text((x, y), char, fill=FOREGROUND, font=font)
        x += 22
    for _ in range(3):
        x0, y0 = _rng.randint(-20, WIDTH // 2), _rng.randint(-20, HEIGHT // 2)
        box = (x0, y0, x0 + _rng.randint(60, 160), y0 + _rng.randint(30, 80))
        draw.arc(box, _rng.randint(0, 180), _rng.randint(180, 360), fill=FOREGROUND, width=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def new_captcha() -> tuple[str, str, str]:
    """Return (key, answer, image data URL); the key is unguessable."""
    text, answer = math_challenge()
    key = secrets.token_urlsafe(24)
    image = "data:image/png;base64," + base64.b64encode(render_png(text)).decode("ascii")
    return key, answer, image
