"""Server-rendered SVG charts: the same markup in the HTML pages and in the PDF.

WeasyPrint draws inline SVG, so the report needs no JavaScript and no image files. Each
chart is decorative for screen readers (`aria-hidden`): the data table printed next to
it carries the same numbers, which is what assistive technology reads.
"""

from __future__ import annotations

import math
from html import escape

from django.utils.safestring import mark_safe

PALETTE = ["#123c69", "#0b6e79", "#c0582a", "#6b4c9a", "#4d7c0f", "#a4161a", "#5c6b7a", "#b7791f"]
FONT = "DejaVu Sans, sans-serif"


def _fmt(value: float | None) -> str:
    if value is None:
        return "—"
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _wrap(text: str, width: int) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    return lines[:3] or [""]


def bar_chart(items: list[dict], *, width: int = 640, title: str = "") -> str:
    """Horizontal bars; items: {"label", "percent", "count"}. Percent scale 0–100."""
    label_w = 250
    bar_w = width - label_w - 70
    rows = [(_wrap(item["label"], 34), item) for item in items]
    heights = [max(28, 16 * len(lines) + 10) for lines, _item in rows]
    total_h = sum(heights) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-bar" width="{width}" '
        f'height="{total_h}" viewBox="0 0 {width} {total_h}" aria-hidden="true" '
        f'font-family="{FONT}" font-size="13">'
    ]
    if title:
        parts.append(f"<title>{escape(title)}</title>")
    y = 5
    for (lines, item), h in zip(rows, heights, strict=True):
        pct = item.get("percent") or 0
        w = max(0.0, min(1.0, pct / 100)) * bar_w
        mid = y + h / 2
        first = mid - (len(lines) - 1) * 8 + 4
        for i, line in enumerate(lines):
            parts.append(
                f'<text x="{label_w - 8}" y="{first + i * 16:.1f}" text-anchor="end" '
                f'fill="#1b2733">{escape(line)}</text>'
            )
        parts.append(
            f'<rect x="{label_w}" y="{mid - 9:.1f}" width="{bar_w}" height="18" fill="#eef2f6"/>'
        )
        parts.append(
            f'<rect x="{label_w}" y="{mid - 9:.1f}" width="{w:.1f}" height="18" '
            f'fill="{PALETTE[1]}"/>'
        )
        parts.append(
            f'<text x="{label_w + bar_w + 6}" y="{mid + 4:.1f}" fill="#1b2733" '
            f'font-weight="bold">{_fmt(item.get("percent"))}\u00a0%</text>'
        )
        y += h
    parts.append("</svg>")
    return mark_safe("".join(parts))


def pie_chart(items: list[dict], *, size: int = 220, title: str = "") -> str:
    """Donut with a legend; for a select_one with few choices (shares add up to 100)."""
    total = sum(item.get("count") or 0 for item in items)
    legend_w = 330
    width = size + legend_w
    height = max(size, 26 * len(items) + 10)
    cx = cy = size / 2
    r, inner = size / 2 - 6, size / 4
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-pie" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" aria-hidden="true" '
        f'font-family="{FONT}" font-size="13">'
    ]
    if title:
        parts.append(f"<title>{escape(title)}</title>")
    angle = -math.pi / 2
    for i, item in enumerate(items):
        count = item.get("count") or 0
        if not total or not count:
            continue
        color = PALETTE[i % len(PALETTE)]
        sweep = 2 * math.pi * count / total
        if count == total:
            parts.append(f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="{color}"/>')
        else:
            end = angle + sweep
            large = 1 if sweep > math.pi else 0
            x1, y1 = cx + r * math.cos(angle), cy + r * math.sin(angle)
            x2, y2 = cx + r * math.cos(end), cy + r * math.sin(end)
            parts.append(
                f'<path d="M{cx:.1f},{cy:.1f} L{x1:.2f},{y1:.2f} '
                f'A{r:.1f},{r:.1f} 0 {large} 1 {x2:.2f},{y2:.2f} Z" fill="{color}" '
                f'stroke="#fff" stroke-width="1.5"/>'
            )
        angle += sweep
    parts.append(f'<circle cx="{cx}" cy="{cy}" r="{inner}" fill="#fff"/>')
    for i, item in enumerate(items):
        y = 10 + i * 26
        color = PALETTE[i % len(PALETTE)]
        parts.append(f'<rect x="{size + 14}" y="{y}" width="14" height="14" fill="{color}"/>')
        label = escape(item["label"][:42] + ("…" if len(item["label"]) > 42 else ""))
        parts.append(
            f'<text x="{size + 34}" y="{y + 12}" fill="#1b2733">{label} '
            f'<tspan font-weight="bold">{_fmt(item.get("percent"))}\u00a0%</tspan></text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def stacked_chart(groups: list[dict], choice_names: list[str], labels: dict, *, width=640):
    """100 % stacked bars, one per group (cross-tabs); groups: {"label", "choices"}."""
    label_w, legend_h = 230, 22 * math.ceil(len(choice_names) / 2) + 8
    bar_w = width - label_w - 10
    height = 30 * len(groups) + legend_h + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-stacked" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" aria-hidden="true" '
        f'font-family="{FONT}" font-size="12">'
    ]
    for gi, group in enumerate(groups):
        y = 6 + gi * 30
        lines = _wrap(group["label"], 30)[:2]
        for li, line in enumerate(lines):
            dy = 14 + (li - (len(lines) - 1) / 2) * 12
            parts.append(
                f'<text x="{label_w - 8}" y="{y + dy:.0f}" text-anchor="end" fill="#1b2733">'
                f"{escape(line)}</text>"
            )
        x = float(label_w)
        counts = {c["name"]: c["count"] or 0 for c in group.get("choices", [])}
        total = sum(counts.values())
        for ci, name in enumerate(choice_names):
            if not total or not counts.get(name):
                continue
            w = bar_w * counts[name] / total
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="20" '
                f'fill="{PALETTE[ci % len(PALETTE)]}"/>'
            )
            if w > 34:
                parts.append(
                    f'<text x="{x + w / 2:.1f}" y="{y + 14}" text-anchor="middle" fill="#fff" '
                    f'font-size="11">{_fmt(100 * counts[name] / total)}\u00a0%</text>'
                )
            x += w
    y0 = 10 + len(groups) * 30
    for ci, name in enumerate(choice_names):
        col, row = ci % 2, ci // 2
        x, y = 10 + col * (width / 2), y0 + row * 22
        parts.append(
            f'<rect x="{x:.0f}" y="{y}" width="12" height="12" '
            f'fill="{PALETTE[ci % len(PALETTE)]}"/>'
        )
        parts.append(
            f'<text x="{x + 18:.0f}" y="{y + 11}" fill="#1b2733">'
            f"{escape(labels.get(name, name)[:40])}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def chart_for(question: dict) -> str:
    """The chart that suits a question's result, or '' (text, date)."""
    title = question["label"]
    if "choices" in question and question["answered"]:
        if question["type"] == "select_one" and len(question["choices"]) <= 3:
            return pie_chart(question["choices"], title=title)
        return bar_chart(question["choices"], title=title)
    return ""
