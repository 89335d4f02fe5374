"""Who may do what with benefits. Which rows an actor sees is `visible_to(actor)`; these say what they may do.

- the city talent office (and system admins) manages benefit types and funds, does the final review, pays and
  reverses (it keeps the fund ledger for the finance bureau), and runs 免申即享;
- district officers and reviewers review claims of their district (first level) and claim on a talent's behalf;
- a talent user may claim for a talent whose certification application they filed.
"""

from rencai.core.scope import is_system, scope_for
from rencai.orgs.choices import Role

OFFICE_ROLES = {Role.SYSTEM_ADMIN, Role.TALENT_OFFICE}
DISTRICT_ROLES = {Role.DISTRICT_OFFICER, Role.REVIEWER}
STAFF_ROLES = OFFICE_ROLES | DISTRICT_ROLES | {Role.LEADER}
CLAIM_FOR_ROLES = OFFICE_ROLES | {Role.DISTRICT_OFFICER}


def _scope(actor):
    if actor is None or not getattr(actor, "is_authenticated", False) or not getattr(actor, "is_active", False):
        return None
    return scope_for(actor)


def _has(actor, roles, path: str | None) -> bool:
    if is_system(actor):
        return True
    scope = _scope(actor)
    if scope is None:
        return False
    if scope.everything:
        return True
    return bool(scope.roles & roles) and scope.covers_path(path)


def is_office_for(actor, region) -> bool:
    """Talent-office staff whose scope covers `region` (a district, or the city)."""
    return _has(actor, OFFICE_ROLES, region.path)


def can_view_benefits(actor) -> bool:
    if is_system(actor):
        return True
    scope = _scope(actor)
    return bool(scope and (scope.everything or scope.roles & STAFF_ROLES))


def can_manage_types(actor, city) -> bool:
    return is_office_for(actor, city)


def can_manage_fund(actor, region) -> bool:
    return is_office_for(actor, region)


def can_claim_for(actor, talent) -> bool:
    if _has(actor, CLAIM_FOR_ROLES, talent.region.path):
        return True
    scope = _scope(actor)
    if scope is None or Role.TALENT not in scope.roles:
        return False
    from rencai.certification.models import Application

    return Application.objects.filter(talent=talent, applicant=actor).exists()


def can_review(actor, claim, level: str | None) -> bool:
    if level is None:
        return False
    if level == "district":
        return _has(actor, DISTRICT_ROLES | OFFICE_ROLES, claim.region.path)
    return _has(actor, OFFICE_ROLES, claim.region.path)


def can_pay(actor, fund) -> bool:
    return is_office_for(actor, fund.region)


def can_run_auto_grant(actor) -> bool:
    if is_system(actor):
        return True
    scope = _scope(actor)
    return bool(scope and (scope.everything or scope.roles & OFFICE_ROLES))
