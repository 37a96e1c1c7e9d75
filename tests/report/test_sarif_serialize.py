"""The attrs walk that turns sarif-om objects into SARIF JSON."""

from __future__ import annotations

import json

import sarif_om as sarif

from linter.report.sarif.serialize import Serializer


def test_renames_fields_and_drops_none_and_defaults():
    result = sarif.Result(
        message=sarif.Message(text="m"), rule_id="DR1",
        locations=[sarif.Location(physical_location=sarif.PhysicalLocation(
            artifact_location=sarif.ArtifactLocation(uri="a.json"), region=sarif.Region(start_line=3)))])
    assert Serializer().to_data(result) == {
        "message": {"text": "m"}, "ruleId": "DR1",
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": "a.json"}, "region": {"startLine": 3}}}],
    }  # no kind "fail", level "warning", rank -1, ruleIndex -1, byteOffset -1, charOffset -1, index -1


def test_factory_defaults_are_dropped_and_other_values_kept():
    run = sarif.Run(tool=sarif.Tool(driver=sarif.ToolComponent(name="x")), newline_sequences=["\n"])
    data = Serializer().to_data(run)
    assert data == {"tool": {"driver": {"name": "x"}}, "newlineSequences": ["\n"]}  # no contents, language


def test_kept_defaults_are_written():
    result = sarif.Result(message=sarif.Message(text="m"), level="warning", rule_index=0)
    assert Serializer().to_data(result) == {"message": {"text": "m"}, "ruleIndex": 0}
    kept = Serializer(keep_defaults={(sarif.Result, "level")}).to_data(result)
    assert kept == {"message": {"text": "m"}, "level": "warning", "ruleIndex": 0}


def test_a_value_equal_to_the_default_but_of_another_type_is_kept():
    descriptor = sarif.ReportingConfiguration(enabled=1)  # default True; 1 == True, but it is not the default
    assert Serializer().to_data(descriptor) == {"enabled": 1}


def test_property_bags_are_plain_dicts_written_as_given():
    rule = sarif.ReportingDescriptor(id="DR1", properties={"tags": ["a"], "security-severity": "7.5", "x": None})
    assert Serializer().to_data(rule) == {"id": "DR1", "properties": {"tags": ["a"], "security-severity": "7.5"}}


def test_dumps_is_compact_sorted_and_ascii():
    log = sarif.SarifLog(version="2.1.0", schema_uri="s", runs=[])
    text = Serializer().dumps(sarif.SarifLog(version="2.1.0", schema_uri="s", runs=[
        sarif.Run(tool=sarif.Tool(driver=sarif.ToolComponent(name="drlint", full_name="région")))]))
    assert text.startswith('{"$schema":"s","runs":[{"tool":{"driver":{"fullName":"r\\u00e9gion"')
    assert text.isascii() and json.loads(text)["version"] == "2.1.0"
    assert Serializer().dumps(log) == '{"$schema":"s","runs":[],"version":"2.1.0"}'
