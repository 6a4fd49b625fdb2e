"""Who may see a barometer's results, report and answers."""

from __future__ import annotations


def is_operator(user) -> bool:
    try:  # accounts.permissions comes from branch directory-api; same rule until merged.
        from accounts.permissions import is_operator as directory_is_operator
    except ImportError:
        directory_is_operator = None
    if directory_is_operator is not None:
        return directory_is_operator(user)
    if not (user is not None and user.is_authenticated and user.is_active):
        return False
    if user.is_staff or user.is_superuser:
        return True
    from accounts.models import Role

    return Role.objects.filter(user=user, kind=Role.Kind.OPERATOR).exists()


def can_see_results(user, survey) -> bool:
    """Results and the report: operators always, everyone once published."""
    return survey.published or is_operator(user)


def can_export_answers(user, survey) -> bool:
    """Individual answers never leave the operators, published or not."""
    return is_operator(user)


def visible_surveys(user):
    from surveys.models import Survey

    if is_operator(user):
        return Survey.objects.all()
    return Survey.objects.filter(published=True)
