"""`genbo reindex`: the progress display and the check of the kinds."""

import pytest

from genbo.cli import main
from genbo.search.models import SearchDocument

pytestmark = pytest.mark.django_db


def test_reindex_prints_progress_per_kind(tmp_path, settings, capsys, employee, open_network):
    settings.DATA_DIR = tmp_path

    code = main(["reindex"])

    assert code == 0
    output = capsys.readouterr().out
    assert "person" in output
    assert "network          1/1 (100 %)" in output
    assert SearchDocument.objects.filter(kind="network").count() == 1


def test_reindex_one_kind(tmp_path, settings, capsys, employee, open_network):
    settings.DATA_DIR = tmp_path

    assert main(["reindex", "--kind", "network"]) == 0
    assert list(SearchDocument.objects.values_list("kind", flat=True)) == ["network"]


def test_reindex_unknown_kind_exits_2(tmp_path, settings, capsys):
    settings.DATA_DIR = tmp_path

    code = main(["reindex", "--kind", "dinosaur"])

    assert code == 2
    assert capsys.readouterr().err.startswith("genbo reindex: unknown kind dinosaur")
