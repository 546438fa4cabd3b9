"""The hardened XML parse that every BPMN document passes before SpiffWorkflow parses it."""

import pytest

from app.engine.errors import BpmnRejected
from app.engine.specs import parse_bundle
from app.engine.xml_guard import MAX_DOCUMENT_BYTES, MAX_ELEMENTS, parse_untrusted_xml

BPMN_HEAD = '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">'


def test_doctype_rejected():
    document = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]>' + BPMN_HEAD + "&e;</bpmn:definitions>"
    with pytest.raises(BpmnRejected) as caught:
        parse_untrusted_xml(document, "evil.bpmn")
    assert "DOCTYPE" in str(caught.value)


def test_external_entity_not_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    document = f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file://{secret}">]><a>&e;</a>'
    with pytest.raises(BpmnRejected):
        parse_untrusted_xml(document, "xxe.bpmn")


def test_not_xml_rejected_with_line():
    with pytest.raises(BpmnRejected) as caught:
        parse_untrusted_xml("this is not xml", "notes.txt")
    assert "not well-formed XML" in caught.value.reason
    assert caught.value.line == 1


def test_size_limit():
    with pytest.raises(BpmnRejected) as caught:
        parse_untrusted_xml(b"<a>" + b"x" * MAX_DOCUMENT_BYTES + b"</a>", "big.bpmn")
    assert "over the limit" in caught.value.reason


def test_element_count_limit():
    document = "<a>" + "<b/>" * (MAX_ELEMENTS + 1) + "</a>"
    with pytest.raises(BpmnRejected) as caught:
        parse_untrusted_xml(document, "many.bpmn")
    assert str(MAX_ELEMENTS) in caught.value.reason


def test_xml_that_is_not_bpmn_rejected():
    with pytest.raises(BpmnRejected) as caught:
        parse_bundle({"plain.bpmn": b"<note><to>x</to></note>"}, "complaint")
    assert caught.value.filename == "plain.bpmn"


def test_schema_violation_names_file():
    document = BPMN_HEAD + '<bpmn:process id="p" isExecutable="true"><bpmn:bogus id="x"/></bpmn:process></bpmn:definitions>'
    with pytest.raises(BpmnRejected) as caught:
        parse_bundle({"bad.bpmn": document.encode()}, "p")
    assert caught.value.filename == "bad.bpmn"
