"""The IATI export validates against the official IATI 2.03 schema."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from lxml import etree

from metroscope.accountability.activities import iati

pytestmark = pytest.mark.django_db


def test_all_activities_validate():
    document = iati.export()
    assert iati.validate(document) == []
    root = etree.fromstring(document)
    assert root.get("version") == "2.03"
    assert len(root.findall("iati-activity")) == 39


def test_sector_policy_marker_and_results_validate(activity_with_result):
    document = iati.export(year=2021)
    assert iati.validate(document) == []
    root = etree.fromstring(document)
    node = next(
        a
        for a in root.iter("iati-activity")
        if a.findtext("title/narrative") == activity_with_result.title
    )
    assert node.find("sector").attrib == {"vocabulary": "99", "code": "T-GEN"}
    langs = [n.get("{http://www.w3.org/XML/1998/namespace}lang") for n in node.find("sector")]
    assert langs == [None, "fr", "es"]
    assert node.find("policy-marker").attrib == {
        "vocabulary": "1",
        "code": "1",
        "significance": "1",
    }
    period = node.find("result/indicator/period")
    assert period.find("target").get("value") == "10"
    assert period.find("actual").get("value") == "12"


def test_an_invalid_document_is_reported():
    bad = b'<iati-activities version="2.03"><iati-activity/></iati-activities>'
    assert iati.validate(bad)


def test_command_writes_a_year(tmp_path):
    out = tmp_path / "iati.xml"
    call_command("export_iati", "--out", str(out), "--year", "2022")
    root = etree.parse(str(out)).getroot()
    assert [a.findtext("title/narrative")[:20] for a in root] == ["EGI Policy Brief #06"]
    with pytest.raises(CommandError, match="no work plan for 2030"):
        call_command("export_iati", "--out", str(out), "--year", "2030")


def test_download_from_the_activities_page(client):
    response = client.get("/plan/activities/iati.xml", {"year": 2019})
    assert response["Content-Type"].startswith("application/xml")
    assert "metropolis-activities-2019.xml" in response["Content-Disposition"]
    assert iati.validate(response.content) == []
