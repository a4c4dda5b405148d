#!/usr/bin/env python3
"""Validates Subsonic XML answers against Subsonic's own 1.16.1 XSD, OpenSubsonic's additions taken out first.

Usage: subsonic-xsd-check.py XSD DIR, where XSD is subsonic-rest-api-1.16.1.xsd (not in git, its licence being
unclear: scripts/ensure-deps.sh fetches it) and DIR holds one file per answer, named METHOD.xml or
METHOD.anything.xml. Each answer has the attributes and child elements of ADDITIONS (and RETYPED) below taken out,
by the XSD type of the element carrying them (found by walking the answer alongside the XSD), then is validated
with lxml's XMLSchema. Prints a JSON report {"checked": [...], "failures": [{"file", "error"}], "unused": [...]},
unused being the entries no answer had (to be taken off the lists, which hold only what the service sends); exits
1 when any answer fails, or when an entry of ADDITIONS is one the XSD knows after all.
"""
import json
import pathlib
import sys

from lxml import etree

XS = "{http://www.w3.org/2001/XMLSchema}"
SUBSONIC = "{http://subsonic.org/restapi}"

# What OpenSubsonic adds that the 1.16.1 XSD does not know, and this service sends: properties of the OpenSubsonic
# schema (Tests/Tools/opensubsonic-openapi/schemas/NAME.json) that the XSD type of the same name has neither as an
# attribute nor as an element. Keyed by XSD type; an entry applies to the types extending it too (Child's to
# NowPlayingEntry). Only what the answers have: the checker reports an entry no answer had as unused.
ADDITIONS = {
    # SubsonicResponse/SubsonicBaseResponse.json; and openSubsonicExtensions, the answer of OpenSubsonic's own
    # getOpenSubsonicExtensions (GetOpenSubsonicExtensionsResponse.json), which the XSD's Response has no element for.
    "Response": {"attributes": ["type", "serverVersion", "openSubsonic"], "elements": ["openSubsonicExtensions"]},
    # Child.json: a song's mediaType, samplingRate and channelCount, and its genres as elements.
    "Child": {"attributes": ["mediaType", "samplingRate", "channelCount"], "elements": ["genres"]},
}

# Not an addition but a change of type: OpenSubsonic's PlayQueue.json has current as a string (a song id), the
# XSD an xs:int, which this service's song ids (s1, s2, …) are not. Taken out too, and its value checked by the
# JSON schema check instead.
RETYPED = {"PlayQueue": {"attributes": ["current"], "elements": []}}

STRIPPED = {name: {kind: ADDITIONS.get(name, {}).get(kind, []) + RETYPED.get(name, {}).get(kind, [])
                   for kind in ("attributes", "elements")}
            for name in ADDITIONS.keys() | RETYPED.keys()}


def xsd_types(xsd):
    """Each named complexType of the XSD: its base (for an extension), attribute names and child elements' types."""
    types = {}
    for complex_type in xsd.getroot().iter(XS + "complexType"):
        name = complex_type.get("name")
        if name is None:
            continue
        extension = complex_type.find(f"{XS}complexContent/{XS}extension")
        base = extension.get("base").split(":")[-1] if extension is not None else None
        attributes = {attribute.get("name") for attribute in complex_type.iter(XS + "attribute")}
        elements = {element.get("name"): element.get("type").split(":")[-1]
                    for element in complex_type.iter(XS + "element") if element.get("type")}
        types[name] = {"base": base, "attributes": attributes, "elements": elements}
    return types


def lineage(types, name):
    """The type and those it extends, nearest first."""
    while name in types:
        yield name
        name = types[name]["base"]


def list_check(types):
    """Entries of ADDITIONS that the XSD does know: stripping them would hide a real defect."""
    problems = []
    for name, addition in ADDITIONS.items():
        known_attributes = set().union(*(types[t]["attributes"] for t in lineage(types, name)))
        known_elements = set().union(*(types[t]["elements"].keys() for t in lineage(types, name)))
        problems += [f"{name}@{a} is in the XSD" for a in addition["attributes"] if a in known_attributes]
        problems += [f"{name}/{e} is in the XSD" for e in addition["elements"] if e in known_elements]
    return problems


def strip(element, type_name, types, used):
    """Takes OpenSubsonic's additions out of element (of XSD type type_name) and its descendants."""
    for name in lineage(types, type_name):
        addition = STRIPPED.get(name, {"attributes": [], "elements": []})
        for attribute in addition["attributes"]:
            if attribute in element.attrib:
                del element.attrib[attribute]
                used.add(f"{name}@{attribute}")
        for child in list(element):
            if etree.QName(child).localname in addition["elements"]:
                element.remove(child)
                used.add(f"{name}/{etree.QName(child).localname}")
    children = {}
    for name in reversed(list(lineage(types, type_name))):
        children.update(types[name]["elements"])
    for child in element:
        if isinstance(child.tag, str) and etree.QName(child).localname in children:
            strip(child, children[etree.QName(child).localname], types, used)


def where(document, xpath):
    """An error's element as names from the root, with its id if it has one (the answers are one line each)."""
    found = document.xpath(xpath)
    if not found:
        return xpath
    element = found[0]
    names = [etree.QName(e).localname for e in reversed(list(element.iterancestors()))]
    names.append(etree.QName(element).localname + (f"[@id={element.get('id')}]" if element.get("id") else ""))
    return "/".join(names)


def main():
    xsd = etree.parse(sys.argv[1])
    schema = etree.XMLSchema(xsd)
    types = xsd_types(xsd)
    answers = pathlib.Path(sys.argv[2])
    report = {"checked": [], "failures": [], "unused": []}
    problems = list_check(types)
    if problems:
        report["failures"].append({"file": "ADDITIONS", "error": "; ".join(problems)})
    used = set()
    for answer in sorted(answers.glob("*.xml")):
        try:
            document = etree.parse(str(answer))
        except etree.XMLSyntaxError as error:
            report["failures"].append({"file": answer.name, "error": f"not XML: {error}"})
            continue
        root = document.getroot()
        if root.tag != SUBSONIC + "subsonic-response":
            report["failures"].append({"file": answer.name, "error": f"root element {root.tag}"})
            continue
        strip(root, "Response", types, used)
        if schema.validate(document):
            report["checked"].append(answer.name)
        else:
            details = [f"{where(document, entry.path)}: {entry.message}" for entry in schema.error_log]
            report["failures"].append({"file": answer.name, "error": "; ".join(details[:8])})
    listed = [f"{name}@{a}" for name, addition in STRIPPED.items() for a in addition["attributes"]]
    listed += [f"{name}/{e}" for name, addition in STRIPPED.items() for e in addition["elements"]]
    report["unused"] = [entry for entry in listed if entry not in used]
    json.dump(report, sys.stdout)
    sys.exit(1 if report["failures"] else 0)


if __name__ == "__main__":
    main()
