#!/usr/bin/env python3
"""Validates Subsonic JSON answers against the OpenSubsonic OpenAPI schemas vendored beside this script.

Usage: subsonic-schema-check.py DIR, where DIR holds one file per answer, named METHOD.json or
METHOD.anything.json (the method is the name up to the first dot). Each is checked against the schema
endpoints/METHOD.json gives its 200 answer, with relative $refs resolved from the files. Prints a JSON
report {"checked": [...], "failures": [{"file", "error"}]}; exits 1 when any answer fails or has no schema.
"""
import json
import pathlib
import sys

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMAS = pathlib.Path(__file__).resolve().parent / "opensubsonic-openapi"


def retrieve(uri):
    path = pathlib.Path(uri.removeprefix("file://"))
    return Resource.from_contents(json.loads(path.read_text()), default_specification=DRAFT202012)


def response_schema(method):
    """The schema of a method's 200 answer, as its endpoint file names it: a response file of its own
    (endpoints/METHOD/...Response.json) or a shared one (responses/EmptySubsonicResponse.json)."""
    endpoint = SCHEMAS / "endpoints" / f"{method}.json"
    if not endpoint.exists():
        return None
    answer = json.loads(endpoint.read_text())["get"]["responses"]["200"]
    base = endpoint.parent
    if "$ref" in answer:
        response = (base / answer["$ref"]).resolve()
        answer, base = json.loads(response.read_text()), response.parent
    return (base / answer["content"]["application/json"]["schema"]["$ref"]).resolve()


def main():
    answers = pathlib.Path(sys.argv[1])
    registry = Registry(retrieve=retrieve)
    report = {"checked": [], "failures": []}
    for answer in sorted(answers.glob("*.json")):
        method = answer.name.split(".")[0]
        schema_file = response_schema(method)
        if schema_file is None:
            report["failures"].append({"file": answer.name, "error": f"no schema for {method}"})
            continue
        schema = {"$ref": schema_file.as_uri()}
        validator = jsonschema.Draft202012Validator(schema, registry=registry)
        errors = sorted(validator.iter_errors(json.loads(answer.read_text())), key=lambda e: list(e.path))
        if errors:
            # oneOf(success, failure) reports the branch errors as its context; the deepest say what is wrong.
            details = []
            for error in errors:
                leaves = [leaf for leaf in error.context] or [error]
                details += [f"{'/'.join(map(str, leaf.absolute_path))}: {leaf.message}" for leaf in leaves]
            report["failures"].append({"file": answer.name, "error": "; ".join(details[:8])})
        else:
            report["checked"].append(answer.name)
    json.dump(report, sys.stdout)
    sys.exit(1 if report["failures"] else 0)


if __name__ == "__main__":
    main()
