"""Campaign progress for operators' tools (session or API token of an operator).

Answering has no API on purpose: it goes through the token page only.
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from accounts.permissions import is_operator
from campaigns import services
from campaigns.models import Campaign

router = Router(tags=["campaigns"])


class Group(Schema):
    label: str
    invited: int
    answered: int
    rate: int


class Progress(Schema):
    id: int
    title: str
    open: bool
    invited: int
    answered: int
    rate: int
    by_region: list[Group]
    by_filiere: list[Group]


@router.get("/campaigns/{campaign_id}/progress", response=Progress, summary="Taux de réponse")
def progress(request, campaign_id: int):
    if not is_operator(request.user):
        raise HttpError(403, _("Réservé aux opérateurs du réseau."))
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    return {
        "id": campaign.pk,
        "title": campaign.title,
        "open": campaign.is_open(),
        **services.rates(campaign),
    }
