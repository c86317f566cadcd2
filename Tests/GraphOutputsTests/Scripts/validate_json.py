#!/usr/bin/env python3
"""Validates JSON files against a JSON Schema (draft 2020-12), with PyPI's jsonschema.

    validate_json.py SCHEMA.json FILE.json...

Checks the schema itself first. Prints one line for each error (file, path, message) and
exits 1 when there is any; prints "valid: N" and exits 0 otherwise.
"""
import json
import sys

import jsonschema


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    with open(sys.argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    errors = 0
    for path in sys.argv[2:]:
        with open(path, encoding="utf-8") as f:
            document = json.load(f)
        for error in validator.iter_errors(document):
            errors += 1
            print("%s: /%s: %s" % (path, "/".join(str(p) for p in error.absolute_path), error.message))
    if errors:
        sys.exit(1)
    print("valid: %d" % (len(sys.argv) - 2))


if __name__ == "__main__":
    main()
