"""Hardened first parse of untrusted BPMN/DMN documents.

SpiffWorkflow parses with lxml's default settings, and whether those resolve
external entities depends on the lxml version. Every document is therefore
parsed here first with entity resolution, DTD loading and network access off,
and rejected outright when it carries a DOCTYPE at all.
"""

from lxml import etree

from .errors import BpmnRejected
from .problems import N_

MAX_DOCUMENT_BYTES = 2 * 1024 * 1024
MAX_ELEMENTS = 20_000

_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=False,
    remove_comments=False,
)


def parse_untrusted_xml(content, filename="document.bpmn"):
    """Parse XML bytes defensively and return the lxml root element."""
    if isinstance(content, str):
        content = content.encode("utf-8")

    if len(content) > MAX_DOCUMENT_BYTES:
        raise BpmnRejected(
            filename,
            N_("file is %(size)s bytes, over the limit of %(limit)s bytes"),
            code="file_too_large",
            params={"size": len(content), "limit": MAX_DOCUMENT_BYTES},
        )

    try:
        root = etree.fromstring(content, parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        raise BpmnRejected(
            filename, N_("not well-formed XML: %(detail)s"), line=exc.lineno, code="xml_malformed", params={"detail": exc.msg}
        ) from exc

    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise BpmnRejected(filename, N_("a DOCTYPE declaration is not allowed; remove it"), code="doctype")

    element_count = 0
    for element in root.iter():
        if isinstance(element, etree._Entity):
            raise BpmnRejected(filename, N_("entity references are not allowed"), line=element.sourceline, code="entity")
        element_count += 1
        if element_count > MAX_ELEMENTS:
            raise BpmnRejected(
                filename,
                N_("more than %(limit)s XML elements; split the process into smaller diagrams"),
                code="too_many_elements",
                params={"limit": MAX_ELEMENTS},
            )

    return root
