from django import template

from core.insee import headcount_label
from directory.labels import label_name

register = template.Library()


@register.filter
def headcount(code: str) -> str:
    """The INSEE headcount band's French label, e.g. "11" → "10 à 19 salariés"."""
    return headcount_label(code)


@register.filter
def cluster_label(code: str) -> str:
    return label_name(code)
