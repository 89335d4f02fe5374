"""The double-payment race on PostgreSQL: 100 concurrent payment attempts of one claim make exactly one payout, and
concurrent payouts of different claims never overdraw a fund.

Threads each hold their own database connection and commit for real (transaction=True). The server allows 100
connections and other suites share it, so the 100 attempts run on a pool of RACE_THREADS threads (default 30)
released together by a barrier; each thread's first attempt collides with all the others.
"""

import os
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from rencai.benefits import services
from rencai.benefits.models import Claim, Fund, LedgerEntry
from rencai.core.exceptions import ApplicationError, Conflict

from .conftest import TODAY, certify, make_talents, person, published_type

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="并发支付测试需要 PostgreSQL 的行锁与多连接;SQLite 以 BEGIN IMMEDIATE 串行化写入,另有单连接测试覆盖"),
]
ATTEMPTS = 100
THREADS = int(os.environ.get("RACE_THREADS", "30"))


@pytest.fixture
def race_world(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    from rencai.accounts.models import User
    from rencai.orgs import demo
    from rencai.orgs import services as org_services
    from rencai.orgs.models import OrgUnit

    demo.load()  # a transaction=True test may start from a flushed database
    user = User.objects.create(username="race_office", full_name="人才办")
    org_services.membership_assign(actor=None, user=user, unit=OrgUnit.objects.get(code="ZZ-RCB"), role="talent_office")
    district = OrgUnit.objects.get(code="ZZ-D01")
    fund = services.fund_create(actor=None, region=district, year=2026, budget=Decimal(150000))
    talents = make_talents([person(11, 姓名="并发甲"), person(12, 姓名="并发乙")])
    for t in talents.values():
        certify(t, "C")
    settle = published_type(code="anjia-C", group_code="anjia", name="安家补贴(C类)", amount=Decimal(100000),
                            tiers=("C",))
    claims = []
    for t in talents.values():
        claim = services.claim_create(actor=None, talent=t, benefit_type=settle, today=TODAY)
        claim = services.claim_approve(actor=None, claim=claim)
        claims.append(services.claim_approve(actor=None, claim=claim))
    return {"user": User.objects.get(pk=user.pk), "fund": fund, "claims": claims}


def _run(attempts: list[tuple[int, str | None]], user_id: int) -> list[tuple]:
    """Run (claim id, idempotency key) attempts on THREADS threads released together; returns the outcomes."""
    from rencai.accounts.models import User

    threads = min(THREADS, len(attempts))
    shares = [attempts[i::threads] for i in range(threads)]
    barrier = threading.Barrier(threads)
    results: list[tuple] = []
    lock = threading.Lock()

    def worker(share):
        try:
            actor = User.objects.get(pk=user_id)
            # each "reviewer" loaded the claim page while the claim was still approved
            loaded = {cid: Claim.objects.select_related("benefit_type", "region", "fund").get(pk=cid)
                      for cid in {c for c, _ in share}}
            barrier.wait(timeout=60)
            for claim_id, key in share:
                try:
                    entry = services.claim_pay(actor=actor, claim=loaded[claim_id], idempotency_key=key)
                    outcome = ("ok", claim_id, entry.pk, key)
                except Conflict as exc:
                    outcome = ("conflict", claim_id, exc.code, key)
                except ApplicationError as exc:
                    outcome = ("refused", claim_id, exc.code, key)
                except Exception as exc:  # noqa: BLE001 - anything else is a failure of the test
                    outcome = ("error", claim_id, repr(exc), key)
                with lock:
                    results.append(outcome)
        finally:
            connections.close_all()

    pool = [threading.Thread(target=worker, args=(share,)) for share in shares]
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in pool), "a payment attempt hung (deadlock?)"
    return results


def test_hundred_concurrent_attempts_make_exactly_one_payout(race_world):
    claim = race_world["claims"][0]
    # two reviewers clicking (distinct keys), a client retrying one request (same key), and key-less clicks
    keys = [f"click-{i}" for i in range(60)] + ["retry-1"] * 30 + [None] * 10
    results = _run([(claim.pk, k) for k in keys], race_world["user"].pk)

    assert len(results) == ATTEMPTS
    assert [r for r in results if r[0] in ("error", "refused")] == []
    ok = [r for r in results if r[0] == "ok"]
    payouts = list(LedgerEntry.objects.filter(claim=claim, kind="payout"))
    assert len(payouts) == 1, "the claim was paid more than once"
    assert {r[2] for r in ok} == {payouts[0].pk}  # every success is the one payout (a retry gets it back)
    assert len({r[3] for r in ok}) == 1  # …and only the winning request's key succeeded
    assert all(r[2] == "already_paid" for r in results if r[0] == "conflict")
    assert Fund.objects.get(pk=race_world["fund"].pk).balance == Decimal("50000.00")
    assert Claim.objects.get(pk=claim.pk).status == "paid"


def test_concurrent_payouts_of_different_claims_never_overdraw_the_fund(race_world):
    # the fund holds 150,000; two approved claims of 100,000 each are paid at once, 50 attempts each
    first, second = race_world["claims"]
    attempts = [(first.pk, None), (second.pk, None)] * 50
    results = _run(attempts, race_world["user"].pk)

    assert [r for r in results if r[0] == "error"] == []
    assert LedgerEntry.objects.filter(kind="payout").count() == 1
    fund = Fund.objects.get(pk=race_world["fund"].pk)
    assert fund.balance == Decimal("50000.00")
    assert {r[2] for r in results if r[0] == "refused"} == {"fund_insufficient"}
    assert sorted(Claim.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)) == \
        ["approved", "paid"]
