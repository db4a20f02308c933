"""The application's light and dark palettes, and chart colours, line widths and fonts.

Charts follow the user's light or dark theme: background and text come from the QPalette, and
the series use the Okabe–Ito palette, which stays distinguishable for the common forms of colour
blindness. Exported images are laid out at their full pixel size with the theme scaled up
(`Theme.scaled`) rather than painted through a scaling painter: pyqtgraph draws lines with
cosmetic pens, and legends and scatter symbols in device pixels, which a painter scale would
leave small and thin.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

THEME_ENV = "RISKCURVE_THEME"

# Okabe & Ito (2008), "Color Universal Design": eight colours safe for colour-blind readers.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}


def blend(front: QColor, back: QColor, share: float) -> QColor:
    """`share` of `front` over `back` (opaque result, so text drawn in it stays crisp)."""
    rest = 1.0 - share
    return QColor(
        round(front.red() * share + back.red() * rest),
        round(front.green() * share + back.green() * rest),
        round(front.blue() * share + back.blue() * rest),
    )


#: WCAG's minimum contrast for a shape against its background is 3:1; a dimmed marker stays a
#: step below its full colour (about 3.8:1 on white) yet far above an unreadable 1.5:1.
FAINT_CONTRAST = 2.2
FAINT_SHARE = 0.35  # the share of its colour a faint marker starts from


def contrast_ratio(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio of two opaque colours (1 to 21)."""

    def luminance(colour: QColor) -> float:
        def channel(value: float) -> float:
            return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

        r, g, b = (channel(v) for v in (colour.redF(), colour.greenF(), colour.blueF()))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def faint_but_visible(front: QColor, back: QColor) -> QColor:
    """`front` faded towards `back`, but no further than FAINT_CONTRAST allows (a 35 % blend
    was all but invisible on a dark background)."""
    share = FAINT_SHARE
    colour = blend(front, back, share)
    while share < 1.0 and contrast_ratio(colour, back) < FAINT_CONTRAST:
        share = min(1.0, share + 0.05)
        colour = blend(front, back, share)
    return colour


def with_alpha(colour: QColor | str, alpha: int) -> QColor:
    """A copy of `colour` with the given alpha (0..255)."""
    result = QColor(colour)
    result.setAlpha(alpha)
    return result


@dataclass(frozen=True)
class Theme:
    """Everything the charts need to look consistent; build it with `theme_from_palette`."""

    dark: bool
    background: QColor
    foreground: QColor
    muted: QColor
    grid: QColor
    grid_minor: QColor
    leader: QColor
    follower: QColor
    ath: QColor
    breakout: QColor
    #: A breakout before the follower's data: fainter than `breakout`, yet seen on both themes.
    breakout_dim: QColor
    consolidation: QColor
    bull: QColor
    halving: QColor
    event: QColor
    correlation: QColor
    highlight: QColor
    crosshair: QColor
    cycle_colours: tuple[QColor, ...]
    current_cycle: QColor
    font: QFont
    line_width: float = 1.5
    thin_width: float = 1.0
    marker_size: float = 11.0
    scale: float = 1.0

    def scaled(self, factor: float) -> Theme:
        """The same theme with lines, markers, fonts and layout sizes multiplied (for exports)."""
        return dataclasses.replace(
            self,
            line_width=self.line_width * factor,
            thin_width=self.thin_width * factor,
            marker_size=self.marker_size * factor,
            scale=self.scale * factor,
        )

    def px(self, pixels: float) -> int:
        """A layout size in pixels at this theme's scale (axis widths, margins)."""
        return round(pixels * self.scale)

    def font_of(self, relative: float = 1.0, bold: bool = False) -> QFont:
        """The chart font at `relative` times its base size."""
        font = QFont(self.font)
        font.setPointSizeF(max(6.0, self.font.pointSizeF() * relative * self.scale))
        font.setBold(bold)
        return font

    def css(self, colour: QColor) -> str:
        """A colour as #rrggbb for rich-text labels."""
        return colour.name(QColor.NameFormat.HexRgb)


def theme_from_palette(palette: QPalette | None = None, font: QFont | None = None) -> Theme:
    """Build the chart theme from a palette (default: the application's).

    The Base role is what item views paint their background with, so the charts sit naturally
    next to the tables below them in both light and dark themes.
    """
    palette, font = _palette_and_font(palette, font)
    background = palette.color(QPalette.ColorRole.Base)
    foreground = palette.color(QPalette.ColorRole.Text)
    dark = background.lightness() < 128
    colours = {name: QColor(code) for name, code in OKABE_ITO.items()}
    leader = colours["sky_blue"] if dark else colours["blue"]
    older: tuple[QColor, ...] = (
        colours["sky_blue"],
        colours["bluish_green"],
        colours["reddish_purple"],
    )
    older += (colours["orange"],) if dark else (colours["blue"],)
    return Theme(
        dark=dark,
        background=background,
        foreground=foreground,
        muted=blend(foreground, background, 0.55),
        grid=blend(foreground, background, 0.2 if dark else 0.14),
        grid_minor=blend(foreground, background, 0.1 if dark else 0.06),
        leader=leader,
        follower=colours["orange"],
        ath=blend(foreground, background, 0.6),
        breakout=colours["vermillion"],
        breakout_dim=faint_but_visible(colours["vermillion"], background),
        # Shades are opaque blends (drawn behind the grid): Qt fills translucent areas slowly.
        consolidation=blend(foreground, background, 0.1 if dark else 0.08),
        bull=blend(colours["bluish_green"], background, 0.24 if dark else 0.18),
        halving=colours["reddish_purple"],
        event=blend(foreground, background, 0.5),
        correlation=colours["bluish_green"],
        highlight=with_alpha(colours["yellow"] if dark else "#7A3FBF", 150),
        crosshair=with_alpha(foreground, 120),
        cycle_colours=older,
        # The brightest colour the background allows, so the current cycle stands out.
        current_cycle=colours["yellow"] if dark else colours["vermillion"],
        font=font,
    )


def _palette_and_font(palette: QPalette | None, font: QFont | None) -> tuple[QPalette, QFont]:
    """The given ones, else the application's (Qt's defaults without one); at least 9 pt."""
    instance = QApplication.instance()
    app = instance if isinstance(instance, QApplication) else None
    if palette is None:
        palette = app.palette() if app is not None else QPalette()
    if font is None:
        font = QFont(app.font()) if app is not None else QFont()
    if font.pointSizeF() < 9.0:
        font.setPointSizeF(9.0)
    return palette, font


def dark_palette() -> QPalette:
    """A dark Fusion palette (for RISKCURVE_THEME=dark and for checking dark readability)."""
    palette = QPalette()
    roles = QPalette.ColorRole
    colours = {
        roles.Window: "#2b2d31",
        roles.WindowText: "#e6e6e6",
        roles.Base: "#1e1f22",
        roles.AlternateBase: "#26282c",
        roles.ToolTipBase: "#2b2d31",
        roles.ToolTipText: "#e6e6e6",
        roles.Text: "#e6e6e6",
        roles.Button: "#33363b",
        roles.ButtonText: "#e6e6e6",
        roles.BrightText: "#ff6b6b",
        roles.Link: "#6cb6ff",
        roles.Highlight: "#3d6fb6",
        roles.HighlightedText: "#ffffff",
        roles.PlaceholderText: "#8b8e94",
        roles.Mid: "#4a4d52",
        roles.Dark: "#151618",
        roles.Light: "#44474c",
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    disabled = QPalette.ColorGroup.Disabled
    for role in (roles.Text, roles.WindowText, roles.ButtonText):
        palette.setColor(disabled, role, QColor("#7a7d82"))
    return palette


_SYSTEM_LOOK: tuple[str, QPalette] | None = None  # the style and palette before any override


def apply_theme(app: QApplication, name: str | None) -> None:
    """ "dark"/"light": Fusion with that palette; "system" (or anything else): the system's own.

    The system's style and palette are remembered the first time, so the View menu can switch
    back to them while the app runs.
    """
    global _SYSTEM_LOOK
    if _SYSTEM_LOOK is None:
        _SYSTEM_LOOK = (app.style().name(), QPalette(app.palette()))
    if name in ("dark", "light"):
        app.setStyle("Fusion")
        app.setPalette(dark_palette() if name == "dark" else app.style().standardPalette())
    elif app.style().name() != _SYSTEM_LOOK[0] or app.palette() != _SYSTEM_LOOK[1]:
        app.setStyle(_SYSTEM_LOOK[0])
        app.setPalette(_SYSTEM_LOOK[1])


def forced_theme() -> str | None:
    """The theme RISKCURVE_THEME asks for ("dark" or "light"), or None."""
    name = os.environ.get(THEME_ENV, "").strip().lower()
    return name if name in ("dark", "light") else None


#: The hue that tints a verdict that concludes something; the quiet ones (too few, not
#: distinguishable, no data) keep the table's own background and a muted text.
_VERDICT_HUES = {
    "unusually_strong": "bluish_green",
    "unusually_weak": "vermillion",
    "suggestive": "orange",
}


@dataclass(frozen=True)
class VerdictLook:
    """How a pair's verdict is painted: background (None: the view's own) and text colour."""

    background: QColor | None
    foreground: QColor
    quiet: bool


def verdict_look(kind: str, palette: QPalette | None = None) -> VerdictLook:
    """The colours of a verdict kind (app.signals.event_study.VERDICT_KINDS) on this palette.

    Tints are opaque blends of an Okabe–Ito hue into the Base colour, strong enough to tell
    apart at a glance and light (or dark) enough that the text on them keeps its contrast.
    """
    if palette is None:
        instance = QApplication.instance()
        palette = instance.palette() if isinstance(instance, QApplication) else QPalette()
    base = palette.color(QPalette.ColorRole.Base)
    text = palette.color(QPalette.ColorRole.Text)
    hue = _VERDICT_HUES.get(kind)
    if hue is None:
        return VerdictLook(None, blend(text, base, 0.6), True)
    dark = base.lightness() < 128
    return VerdictLook(blend(QColor(OKABE_ITO[hue]), base, 0.42 if dark else 0.3), text, False)
