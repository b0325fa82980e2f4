"""Copies the operators' CRD schemas into tests/k8s_crd_schemas/ for tests/unit/test_k8s.py.

    python scripts/vendor_crd_schemas.py CRD.yaml...   (each an operator's CustomResourceDefinition)

Writes <Kind>.json per CRD: {group, version, source, schema} with the `openAPIV3Schema` of its
storage version, descriptions dropped (most of the bytes; the test reads no prose). The CRDs come
from the operators' releases (see tests/k8s_crd_schemas/README.md for which); no network is used
here or by the test.
"""
import json
import sys
from pathlib import Path

import yaml

OUT = Path(__file__).resolve().parents[1] / "tests" / "k8s_crd_schemas"


def without_descriptions(node):
    if isinstance(node, dict):
        return {key: without_descriptions(value) for key, value in node.items() if key != "description"}
    if isinstance(node, list):
        return [without_descriptions(value) for value in node]
    return node


def vendor(path):
    crd = yaml.safe_load(Path(path).read_text())
    version = next(v for v in crd["spec"]["versions"] if v.get("storage"))
    kind = crd["spec"]["names"]["kind"]
    document = {"group": crd["spec"]["group"], "version": version["name"], "kind": kind,
                "schema": without_descriptions(version["schema"]["openAPIV3Schema"])}
    target = OUT / f"{kind}.json"
    target.write_text(json.dumps(document, indent=0, sort_keys=True) + "\n")
    print(f"wrote {target.relative_to(OUT.parents[1])} ({crd['spec']['group']}/{version['name']})")


if __name__ == "__main__":
    for argument in sys.argv[1:]:
        vendor(argument)
