"""Read-only API over NAF rev. 2 and the filières of the seed report."""

from django.conf import settings
from django.db.models import Count
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from activities.models import Filiere, NafCode
from territories.api_types import Pagination, Text, first_or_404

router = Router(tags=["activities"])
PAGE_SIZE = settings.MAPSTER_API_PAGE_SIZE


class NafOut(Schema):
    code: str
    label: str
    level: int
    parent: str | None = Field(alias="parent_id")
    filiere: str | None = Field(alias="filiere_id")


class NafFilter(Schema):
    level: int | None = Field(None, ge=1, le=5, description="1 section … 5 sous-classe")
    parent: Text | None = None
    filiere: Text | None = None
    q: Text | None = None


@router.get("/naf", response=list[NafOut], summary="NAF rev. 2 codes, all five levels")
@paginate(Pagination, page_size=PAGE_SIZE)
def naf_codes(request, filters: Query[NafFilter]):
    qs = NafCode.objects.all()
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.parent:
        qs = qs.filter(parent_id=filters.parent.strip().upper())
    if filters.filiere:
        qs = qs.filter(filiere_id=filters.filiere)
    if filters.q:
        qs = qs.filter(label__icontains=filters.q.strip())
    return qs.order_by("level", "code")


@router.get("/naf/{code}", response=NafOut, summary="One NAF code (e.g. 30.30Z, 30.3, C)")
def naf_code(request, code: Text):
    return first_or_404(
        NafCode.objects.filter(code=code.strip().upper()),
        _("Code NAF inconnu : « %(code)s ».") % {"code": code},
    )


class FiliereOut(Schema):
    slug: str
    name: str
    name_en: str
    position: int
    naf_codes: int = Field(alias="n_naf")


@router.get("/filieres", response=list[FiliereOut], summary="The 18 filières of the report")
@paginate(Pagination, page_size=PAGE_SIZE)
def filieres(request):
    return Filiere.objects.annotate(n_naf=Count("naf_codes")).order_by("position")


@router.get("/filieres/{slug}", response=FiliereOut, summary="One filière")
def filiere(request, slug: Text):
    return first_or_404(
        Filiere.objects.annotate(n_naf=Count("naf_codes")).filter(slug=slug),
        _("Filière inconnue : « %(slug)s ».") % {"slug": slug},
    )
