"""The PostgreSQL card cache: a verification after a blacklisting sees the suspension at once (NOTIFY at commit)."""

import time

import pytest
from django.db import connection

from rencai.certification import cardcache, selectors, services

from .test_services import _certified

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def card_cache(settings):
    if connection.vendor != "postgresql":
        pytest.skip("the card cache works on PostgreSQL only (LISTEN/NOTIFY); SQLite reads the row every time")
    settings.RENCAI_CARD_CACHE = True
    assert cardcache.cache.wait_until_listening()
    yield cardcache.cache
    cardcache.cache.stop()


@pytest.fixture
def demo_world(transactional_db):
    from rencai.orgs import demo

    demo.load()


def _verify_soon(public_id, expected_reason, seconds=3.0):
    deadline = time.monotonic() + seconds
    while True:
        result = selectors.verify_card(public_id, services=None)
        if result.get("reason") == expected_reason or time.monotonic() > deadline:
            return result
        time.sleep(0.01)


def test_cached_card_is_suspended_at_once_when_blacklisted(card_cache, demo_world, city_staff, registry):
    from rencai.certification import demo

    from rencai.orgs.models import OrgUnit

    demo._catalogue(OrgUnit.objects.get(code="ZZ"))
    certification = _certified(city_staff, registry)
    card = certification.cards.get()
    assert selectors.verify_card(card.public_id, services=None)["valid"] is True
    assert card.public_id in card_cache.rows  # served from memory from now on

    services.blacklist_add(actor=city_staff, talent=certification.talent, reason="骗取补贴", evidence="稽核报告",
                           starts_on=certification.certified_on)
    result = _verify_soon(card.public_id, "人才卡已暂停使用")
    assert result == {"valid": False, "reason": "人才卡已暂停使用"}


def test_a_rolled_back_change_does_not_clear_the_cache(card_cache, demo_world, city_staff, registry):
    from django.db import transaction

    from rencai.certification import demo
    from rencai.orgs.models import OrgUnit

    demo._catalogue(OrgUnit.objects.get(code="ZZ"))
    card = _certified(city_staff, registry).cards.get()
    selectors.verify_card(card.public_id, services=None)
    generation = card_cache.generation
    with pytest.raises(RuntimeError), transaction.atomic():
        cardcache.cards_changed()
        raise RuntimeError("rolled back")
    time.sleep(0.3)
    assert card_cache.generation == generation and card.public_id in card_cache.rows
