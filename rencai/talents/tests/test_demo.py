import pytest

from rencai.talents import demo
from rencai.talents.models import Talent

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_plausible():
    # when
    first = demo.load(talents=400)
    second = demo.load(talents=400)
    # then
    assert (first, second, Talent.objects.count()) == ({"talents": 400}, {"talents": 0}, 400)
    educations = set(Talent.objects.values_list("education", flat=True))
    assert {"bachelor", "master"} <= educations
    cities = {t.region.path.split("/")[1] for t in Talent.objects.select_related("region")}
    assert len(cities) >= 3
