import pytest

from rencai.talents.tests.conftest import csv_bytes, person  # noqa: F401 - shared builders


@pytest.fixture(autouse=True)
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def registry(db):
    """Import talents through the real importer: `registry(person(1, 学位="硕士"), …)` → list of Talent."""
    from rencai.talents.importers import TalentImporter, sheet_from_dicts
    from rencai.talents.models import Talent

    def load(*rows):
        result = TalentImporter(actor=None, partial=False, source="test").run(sheet_from_dicts(list(rows),
                                                                                               total=len(rows)))
        assert result.committed, [str(e) for e in result.errors]
        from rencai.talents.crypto import keyed_hash

        return [Talent.objects.get(id_hash=keyed_hash(r["身份证号"])) for r in rows]

    return load


@pytest.fixture
def zz_catalogue(db):
    """株洲's demo catalogue (2024版) as the demo ships it, published."""
    from rencai.certification import demo
    from rencai.orgs.models import OrgUnit

    return demo._catalogue(OrgUnit.objects.get(code="ZZ"))


def make_upload(name="学位证书.pdf", data=b"%PDF-1.4 test evidence"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/pdf")
