"""Pages for certification: thin wrappers over services and selectors."""

from __future__ import annotations

import io
from datetime import date
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import FileResponse, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from rencai.audit.services import audit_record
from rencai.audit.spool import audit_spooled
from rencai.core.exceptions import ApplicationError
from rencai.core.scope import scope_for
from rencai.orgs.models import OrgUnit
from rencai.talents import selectors as talent_selectors
from rencai.talents.choices import Degree, Education, IntroductionMode, TitleLevel

from . import rules, selectors, services
from .models import Application, BlacklistEntry, CatalogueVersion, Certification, Evidence, Objection
from .services import LEVEL_ROLES, REVOCATION_REASONS

STAFF = {"talent_office", "district_officer", "reviewer", "leader", "system_admin"}
VERIFY_LIMIT_PER_MINUTE = 60


def _is_staff(user) -> bool:
    scope = scope_for(user)
    return scope.everything or bool(scope.roles & STAFF)


def _is_office(user) -> bool:
    scope = scope_for(user)
    return scope.everything or "talent_office" in scope.roles


def _fail(request, exc: ApplicationError, to: str):
    messages.error(request, exc.message)
    return redirect(to)


# ---------------------------------------------------------------- overview and catalogue


@login_required
def overview(request):
    if not _is_staff(request.user):
        return redirect("certification:my_cards")
    catalogues = list(selectors.catalogues_for(request.user))
    for catalogue in catalogues:
        catalogue.current = catalogue.versions.filter(status=CatalogueVersion.Status.PUBLISHED).first()
        catalogue.runs = selectors.last_runs(catalogue, limit=3)
    to_review = selectors.applications_for(request.user, mine_to_review=True)
    return render(request, "certification/overview.html", {
        "catalogues": catalogues, "to_review": to_review[:20], "tier_counts": selectors.tier_counts(request.user),
        "in_publicity": selectors.applications_for(request.user, status=Application.Status.PUBLICITY)[:20],
        "objections": selectors.objections_open(request.user)[:20], "is_office": _is_office(request.user)})


@login_required
def catalogue_detail(request, pk: int):
    catalogue = selectors.catalogue_get(actor=request.user, pk=pk)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "settings":
                services.catalogue_settings_save(
                    actor=request.user, catalogue=catalogue,
                    review_levels=[lv for lv in request.POST.get("review_levels", "").split(",") if lv.strip()],
                    level_deadline_days=int(request.POST.get("level_deadline_days") or 0),
                    publicity_days=int(request.POST.get("publicity_days") or 0),
                    card_valid_years=int(request.POST.get("card_valid_years") or 0))
                messages.success(request, "已保存审核与公示设置。")
            else:
                version = services.version_create(actor=request.user, catalogue=catalogue,
                                                  label=request.POST.get("label", ""))
                return redirect("certification:version_detail", pk=version.pk)
        except (ApplicationError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", "请填写整数。"))
        return redirect("certification:catalogue_detail", pk=pk)
    return render(request, "certification/catalogue_detail.html", {
        "catalogue": catalogue, "versions": catalogue.versions.all(), "runs": selectors.last_runs(catalogue),
        "levels": LEVEL_ROLES, "is_office": _is_office(request.user)})


@login_required
def version_detail(request, pk: int):
    version = selectors.version_get(actor=request.user, pk=pk)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "tier":
                services.tier_save(actor=request.user, version=version, code=request.POST.get("code", ""),
                                   name=request.POST.get("name", ""), rank=int(request.POST.get("rank") or 0),
                                   services=request.POST.getlist("services"))
                messages.success(request, "类别已保存。")
            elif action == "rule":
                rule = services.rule_save(actor=request.user, version=version, clause=request.POST.get("clause"),
                                          tier_code=request.POST.get("tier", ""),
                                          criteria=request.POST.get("criteria", ""), title=request.POST.get("title", ""))
                messages.success(request, f"第{rule.clause}条已保存:{rule.criteria_text}")
            elif action == "delete_rule":
                services.rule_delete(actor=request.user, rule=version.rules.get(pk=request.POST.get("rule")))
                messages.success(request, "条款已删除。")
            elif action == "publish":
                services.version_publish(actor=request.user, version=version)
                messages.success(request, f"{version.label} 已发布施行。可立即重新评估人才信息库。")
            elif action == "classify":
                run = services.classify_version(actor=request.user, version=version)
                messages.success(request, f"已评估 {run.evaluated} 人,类别变化 {run.changes.get('changed', 0)} 人。")
        except ApplicationError as exc:
            messages.error(request, exc.message)
            request.session["rule_draft"] = {"clause": request.POST.get("clause", ""),
                                             "tier": request.POST.get("tier", ""),
                                             "criteria": request.POST.get("criteria", ""),
                                             "title": request.POST.get("title", "")} if action == "rule" else None
        except (ValueError, version.rules.model.DoesNotExist):
            messages.error(request, "输入有误:排序和条款号应为整数。")
        return redirect("certification:version_detail", pk=pk)
    fields = [(spec.label, spec.kind, [label for _v, label in spec.choices], spec.unit)
              for spec in rules.FIELDS.values()]
    return render(request, "certification/version_detail.html", {
        "version": version, "tiers": version.tiers.all(), "rules": version.rules.select_related("tier"),
        "fields": fields, "service_choices": selectors.SERVICES, "is_office": _is_office(request.user),
        "draft": request.session.pop("rule_draft", None)})


@login_required
def version_preview(request, pk: int):
    version = selectors.version_get(actor=request.user, pk=pk)
    preview = selectors.version_preview(version)
    return render(request, "certification/partials/preview.html", {"preview": preview, "version": version})


@login_required
def rule_check(request):
    """Live check of the condition typed in the editor (HTMX): the rule as understood, or what is wrong and where."""
    text = request.GET.get("criteria", "")
    try:
        node, described = services.criteria_from(text)
        return HttpResponse(f'<span class="ok">✓ {described}</span>')
    except ApplicationError as exc:
        from django.utils.html import escape

        return HttpResponse(f'<span class="error">{escape(exc.message)}</span>')


# ---------------------------------------------------------------- applications


@login_required
def application_list(request):
    status = request.GET.get("status", "")
    todo = request.GET.get("todo") == "1"
    apps = selectors.applications_for(request.user, status=status, mine_to_review=todo)
    return render(request, "certification/application_list.html", {
        "applications": apps[:200], "status": status, "todo": todo, "statuses": Application.Status.choices,
        "is_staff": _is_staff(request.user)})


@login_required
def application_new(request):
    staff = _is_staff(request.user)
    error = ""
    if request.method == "POST":
        try:
            if staff:
                talent = talent_selectors.talent_get_by_id_number(actor=request.user,
                                                                   id_number=request.POST.get("id_number", ""))
            else:
                talent = services.talent_lookup_for_application(actor=request.user,
                                                                name=request.POST.get("name", ""),
                                                                id_number=request.POST.get("id_number", ""))
            application = services.application_create(actor=request.user, talent=talent,
                                                      statement=request.POST.get("statement", ""))
            messages.success(request, "申请已创建。请核对信息、上传证明材料后提交。")
            return redirect("certification:application_detail", pk=application.pk)
        except ApplicationError as exc:
            error = exc.message
        except Exception as exc:  # noqa: BLE001 - a malformed ID number from the talents parser
            error = f"证件号有误:{exc}"
    return render(request, "certification/application_new.html", {"staff": staff, "error": error})


@login_required
def application_detail(request, pk: int):
    application = selectors.application_get(actor=request.user, pk=pk)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "evidence":
                files = request.FILES.getlist("files")
                if not files:
                    raise ApplicationError("请选择要上传的材料文件。")
                for upload in files:
                    services.evidence_add(actor=request.user, application=application, upload=upload,
                                          kind=request.POST.get("kind", ""))
                messages.success(request, f"已上传 {len(files)} 个材料。")
            elif action == "tier":
                if not services._owns(request.user, application) or application.status not in (
                        Application.Status.DRAFT, Application.Status.RETURNED):
                    raise ApplicationError("当前不能修改申请类别。")
                tier = request.POST.get("tier", "")
                if not application.version.tiers.filter(code=tier).exists():
                    raise ApplicationError("请选择目录中的类别。")
                application.requested_tier = tier
                application.save(update_fields=["requested_tier", "updated_at"])
            elif action == "submit":
                services.application_submit(actor=request.user, application=application)
                messages.success(request, "已提交,进入审核。")
            elif action in ("approve", "return", "reject"):
                services.application_review(actor=request.user, application=application, decision=action,
                                            reason=request.POST.get("reason", ""), level=request.POST.get("level"))
                messages.success(request, "审核意见已记录。")
            elif action == "objection":
                objection = application.objections.get(pk=request.POST.get("objection"))
                services.objection_handle(actor=request.user, objection=objection,
                                          upheld=request.POST.get("upheld") == "1",
                                          resolution=request.POST.get("resolution", ""))
                messages.success(request, "异议处理结果已记录。")
            elif action == "certify":
                certification = services.publicity_close(actor=request.user, application=application)
                messages.success(request, f"已认定为{certification.tier}类,证书编号 {certification.certificate_no}。")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        except Objection.DoesNotExist:
            messages.error(request, "未找到该异议。")
        return redirect("certification:application_detail", pk=pk)
    labels = {name: spec.label for name, spec in rules.FIELDS.items()}
    facts = []
    for name, value in application.facts.items():
        spec = rules.FIELDS.get(name)
        if name == "birth_date":
            facts.append(("出生日期", value or ""))
        elif spec is not None:
            facts.append((labels[name], spec.label_of(value) if value else ""))
    owner = services._owns(request.user, application)
    return render(request, "certification/application_detail.html", {
        "application": application, "facts": facts, "progress": selectors.application_progress(application),
        "steps": application.steps.all(), "evidence": application.evidence.all(),
        "objections": application.objections.all(), "owner": owner,
        "editable": owner and application.status in (Application.Status.DRAFT, Application.Status.RETURNED),
        "may_review": services.may_review(request.user, application),
        "level": services.current_level(application), "level_label": LEVEL_ROLES.get(
            services.current_level(application) or "", ("", ""))[1],
        "tiers": application.version.tiers.all(), "is_office": _is_office(request.user),
        "today": timezone.localdate(),
        "certification": Certification.objects.filter(application=application).first()})


@login_required
def evidence_download(request, pk: int):
    evidence = Evidence.objects.select_related("application").filter(pk=pk).first()
    if evidence is None or not Application.objects.visible_to(request.user).filter(pk=evidence.application_id).exists():
        raise DjangoPermissionDenied
    response = FileResponse(open(evidence.stored_path, "rb"), content_type=evidence.content_type)  # noqa: SIM115
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(evidence.filename)}"
    return response


# ---------------------------------------------------------------- certifications, cards


@login_required
def certification_list(request):
    qs = selectors.certifications_for(request.user, status=request.GET.get("status", ""),
                                      tier=request.GET.get("tier", ""))
    return render(request, "certification/certification_list.html", {
        "certifications": qs[:200], "statuses": Certification.Status.choices, "status": request.GET.get("status", ""),
        "tier": request.GET.get("tier", "")})


@login_required
def certification_detail(request, pk: int):
    certification = selectors.certification_get(actor=request.user, pk=pk)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "revoke":
                services.certification_revoke(actor=request.user, certification=certification,
                                              reason_kind=request.POST.get("reason_kind", ""),
                                              note=request.POST.get("note", ""))
                messages.success(request, "认定已撤销,人才卡同时注销。")
            elif request.POST.get("action") == "reissue":
                services.card_issue(actor=request.user, certification=certification)
                messages.success(request, "已补发新卡,旧卡二维码作废。")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect("certification:certification_detail", pk=pk)
    card = certification.cards.order_by("-id").first()
    return render(request, "certification/certification_detail.html", {
        "certification": certification, "card": card, "qr_svg": _qr_svg(request, card) if card else "",
        "reasons": REVOCATION_REASONS, "is_office": _is_office(request.user),
        "tier_services": _tier_services(certification)})


def _tier_services(certification) -> list[str]:
    return selectors.service_labels(selectors.tier_services(certification.version_id, certification.tier))


def _verify_url(request, card) -> str:
    return request.build_absolute_uri(reverse("verify", args=[services.card_token(card)]))


def _qr_svg(request, card) -> str:
    import segno

    out = io.BytesIO()
    segno.make(_verify_url(request, card), error="m").save(out, kind="svg", scale=4, xmldecl=False, svgns=True)
    return out.getvalue().decode()


@login_required
def my_cards(request):
    """The talent's phone page: their certifications and live QR codes."""
    certifications = Certification.objects.visible_to(request.user).filter(
        application__applicant=request.user).select_related("version")
    cards = []
    for c in certifications:
        card = c.cards.order_by("-id").first()
        cards.append({"certification": c, "card": card, "services": _tier_services(c),
                      "qr": _qr_svg(request, card) if card and card.status == "active" else ""})
    applications = Application.objects.filter(applicant=request.user).select_related("version")[:20]
    return render(request, "certification/my_cards.html", {"cards": cards, "applications": applications})


@login_required
def card_pdf(request, pk: int):
    """The printable card and certificate (A4, CJK font embedded)."""
    import weasyprint

    certification = selectors.certification_get(actor=request.user, pk=pk)
    card = certification.cards.order_by("-id").first()
    if card is None:
        raise DjangoPermissionDenied
    html = render_to_string("certification/card_pdf.html", {
        "certification": certification, "card": card, "qr_svg": _qr_svg(request, card),
        "holder": certification.talent.name, "services": _tier_services(certification),
        "font_path": (settings.BASE_DIR / "rencai" / "static" / "vendor" / "fonts" / "NotoSansSC_400Regular.ttf").as_uri(),
    })
    pdf = weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    audit_record(actor=request.user, action="certification.card.print", obj=card)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote('人才卡-' + certification.certificate_no + '.pdf')}"
    return response


# ---------------------------------------------------------------- verification (public, rate-limited, audited)


def _client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


def rate_limited(request) -> bool:
    """A fixed one-minute window per client address and per signed-in verifier."""
    limit = getattr(settings, "RENCAI_VERIFY_RATE_PER_MINUTE", VERIFY_LIMIT_PER_MINUTE)
    window = int(timezone.now().timestamp() // 60)
    keys = [f"verify:{_client_ip(request)}:{window}"]
    if request.user.is_authenticated:
        keys.append(f"verify:u{request.user.pk}:{window}")
    over = False
    for key in keys:
        cache.add(key, 0, 120)
        try:
            count = cache.incr(key)
        except ValueError:
            count = 1
        over = over or count > limit
    return over


def verify_token(request, token: str) -> tuple[dict, int]:
    if rate_limited(request):
        return {"valid": False, "reason": "核验过于频繁,请稍后再试"}, 429
    public_id, why = services.card_token_read(token)
    if public_id is None:
        result = {"valid": False, "reason": why}
    else:
        result = selectors.verify_card(public_id, services=selectors.verifier_services(request.user))
    audit_spooled(actor=request.user, action="certification.card.verify", object_type="certification.card",
                  object_id=(public_id or "")[:12], extra={"valid": result["valid"], "reason": result.get("reason", "")})
    return result, 200


@never_cache
def verify(request, token: str):
    result, status = verify_token(request, token)
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse(result, status=status, json_dumps_params={"ensure_ascii": False})
    return render(request, "certification/verify.html", {"result": result}, status=status)


# ---------------------------------------------------------------- blacklist


@login_required
def blacklist(request):
    if not _is_staff(request.user):
        raise DjangoPermissionDenied
    if request.method == "POST":
        try:
            action = request.POST.get("action")
            if action == "add":
                talent = talent_selectors.talent_get_by_id_number(actor=request.user,
                                                                   id_number=request.POST.get("id_number", ""))
                ends = request.POST.get("ends_on")
                services.blacklist_add(actor=request.user, talent=talent, reason=request.POST.get("reason", ""),
                                       evidence=request.POST.get("evidence", ""),
                                       starts_on=date.fromisoformat(request.POST.get("starts_on") or
                                                                    timezone.localdate().isoformat()),
                                       ends_on=date.fromisoformat(ends) if ends else None)
                messages.success(request, "已列入失信黑名单,其人才卡已暂停。")
            else:
                entry = selectors.blacklist_for(request.user).get(pk=request.POST.get("entry"))
                if action == "appeal":
                    services.blacklist_appeal(actor=request.user, entry=entry, text=request.POST.get("text", ""))
                    messages.success(request, "申诉已登记。")
                elif action in ("delist", "dismiss"):
                    services.blacklist_close(actor=request.user, entry=entry, delist=action == "delist",
                                             reason=request.POST.get("reason", ""))
                    messages.success(request, "已处理。")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        except BlacklistEntry.DoesNotExist:
            messages.error(request, "未找到该记录。")
        except ValueError:
            messages.error(request, "日期格式应为 YYYY-MM-DD。")
        except Exception as exc:  # noqa: BLE001 - malformed ID number
            messages.error(request, f"证件号有误:{exc}")
        return redirect("certification:blacklist")
    return render(request, "certification/blacklist.html", {
        "entries": selectors.blacklist_for(request.user)[:200], "is_office": _is_office(request.user),
        "today": timezone.localdate()})


# ---------------------------------------------------------------- public: publicity and the policy calculator


def publicity(request):
    city = OrgUnit.objects.filter(code=request.GET.get("city", ""), parent__isnull=True).first()
    sent = None
    if request.method == "POST":
        application = Application.objects.filter(pk=request.POST.get("application"),
                                                 status=Application.Status.PUBLICITY).first()
        try:
            if application is None:
                raise ApplicationError("该公示已结束或不存在。")
            services.objection_raise(application=application, text=request.POST.get("text", ""),
                                     contact=request.POST.get("contact", ""))
            sent = "异议已收到,我们将核查并反馈(如留有联系方式)。"
        except ApplicationError as exc:
            messages.error(request, exc.message)
    return render(request, "certification/publicity.html", {
        "rows": selectors.publicity_list(city=city), "sent": sent, "cities": selectors.cities_with_catalogue(),
        "city": city})


CALCULATOR_FIELDS = [
    ("education", "学历", Education.choices), ("degree", "学位", Degree.choices),
    ("title_level", "职称级别", TitleLevel.choices), ("introduction_mode", "引进方式", IntroductionMode.choices),
]


def calculator(request):
    """政策计算器: no login, nothing stored — the answers live only in this request."""
    cities = selectors.cities_with_catalogue()
    city = next((c for c in cities if c.code == request.GET.get("city")), cities[0] if cities else None)
    result, facts, error = None, {}, ""
    if request.GET.get("go") and city is not None:
        g = request.GET
        facts = {name: (g.get(name) or None) for name, _l, _c in CALCULATOR_FIELDS}
        facts.update({"skill_level": g.get("skill_level") or None, "honours": g.get("honours", ""),
                      "industry": (g.get("industry") or "").strip().upper() or None,
                      "employer_type": g.get("employer_type") or ""})
        try:
            facts["annual_salary"] = float(g["annual_salary"]) if g.get("annual_salary") else None
            facts["age"] = int(g["age"]) if g.get("age") else None
        except ValueError:
            error = "年薪和年龄请填写数字。"
        if not error:
            result = selectors.calculator_result(city, facts)
    return render(request, "certification/calculator.html", {
        "cities": cities, "city": city, "result": result, "q": request.GET,
        "fields": [(name, label, choices, request.GET.get(name, "")) for name, label, choices in CALCULATOR_FIELDS],
        "employer_types": rules.EMPLOYER_TYPES, "error": error})
