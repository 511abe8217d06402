"""Template helpers for the pages: a QR code of a URL as inline SVG (segno, made on the
server, so it works offline and with no script), and a seat's flag-like badge."""

from __future__ import annotations

import functools
import hashlib

import segno
from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@functools.lru_cache(maxsize=256)
def _svg(data: str, scale: int, dark: str, light: str) -> str:
    # omitsize: the page's CSS sizes it; the light background keeps it readable on the
    # projector's dark page.
    return str(segno.make(data, error="m", micro=False).svg_inline(
        scale=scale, border=3, dark=dark, light=light, svgclass="qr", lineclass=None,
        omitsize=True))


@register.simple_tag
def qr_svg(url: str, scale: int = 6, dark: str = "#000000", light: str = "#ffffff",
           label: str = "") -> SafeString:
    """<svg> of `url` as a QR code, labelled for screen readers. The SVG is segno's own
    output for a string the server made (the join URL), never a person's text."""
    svg = _svg(str(url), int(scale), dark, light)
    name = format_html('role="img" aria-label="{}"', label or url)
    return mark_safe(svg.replace("<svg ", f"<svg {name} ", 1))


# A badge per seat: its id on a colour of its own (from the id, so the same seat has the
# same colour in every game), always with the letters, so colour is never the only sign.
_BADGE_COLOURS = ("#1f5fbf", "#1d6b34", "#8a4b00", "#7a1f6b", "#a31a1a", "#0f6a73",
                  "#4b3a8f", "#5c5c1f", "#b0420c", "#2f4f6f", "#6b3f1f", "#0b5a3a")


def badge_colour(seat_id: str) -> str:
    digest = hashlib.sha256(seat_id.encode()).digest()
    return _BADGE_COLOURS[digest[0] % len(_BADGE_COLOURS)]


@register.simple_tag
def seat_badge(seat_id: str) -> SafeString:
    return format_html('<span class="seat-badge" style="--badge:{}" aria-hidden="true">{}'
                       "</span>", badge_colour(seat_id), seat_id)
