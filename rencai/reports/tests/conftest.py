import pytest


@pytest.fixture(autouse=True)
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db, unit):
    """A hand-counted registry in 株洲: 荷塘区 (A) and 芦淞区 (B), and one talent in 成都.

    荷塘区: B 2019 C39 ×2, B 2021 C36 ×1, D 2021 I65 ×3 (one flexible), E 2022 C39 ×1, unknown date ×1 (no tier)
    芦淞区: B 2020 M73 ×1, C 2021 C39 ×2, D 2022 P83 ×4
    成都锦江区: B 2021 I65 ×1
    """
    from . import factories as f

    a, b, cd = unit("ZZ-D01"), unit("ZZ-D02"), unit("CD-D01")
    t = {}
    t["a_b19"] = [f.talent(a, tier="B", industry="C39", introduced="2019-05-01") for _ in range(2)]
    t["a_b21"] = [f.talent(a, tier="B", industry="C36", introduced="2021-03-01", education="doctorate")]
    t["a_d21"] = [f.talent(a, tier="D", industry="I65", introduced="2021-07-01", mode=m)
                  for m in ("full_time", "full_time", "flexible")]
    t["a_e22"] = [f.talent(a, tier="E", industry="C39", introduced="2022-01-10")]
    t["a_none"] = [f.talent(a, tier=None, industry="C39", introduced=None)]
    t["b_b20"] = [f.talent(b, tier="B", industry="M73", introduced="2020-11-30")]
    t["b_c21"] = [f.talent(b, tier="C", industry="C39", introduced="2021-12-31") for _ in range(2)]
    t["b_d22"] = [f.talent(b, tier="D", industry="P83", introduced="2022-02-01") for _ in range(4)]
    t["cd_b21"] = [f.talent(cd, tier="B", industry="I65", introduced="2021-06-01")]
    return {"a": a, "b": b, "cd": cd, "zz": unit("ZZ"), "t": t}
