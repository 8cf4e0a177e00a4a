"""Reads Prometheus text format on stdin and prints it as JSON, parsed by prometheus_client
(text_string_to_metric_families), so the e2e tests check /metrics with a parser nobody here wrote.
A malformed exposition makes the parser raise: exit status 1 with its message."""
import json
import math
import sys

from prometheus_client.parser import text_string_to_metric_families


def number(value):
    # JSON has no infinities; +Inf bucket bounds come as strings in labels anyway.
    return value if math.isfinite(value) else str(value)


families = [
    {
        "name": family.name,
        "type": family.type,
        "samples": [{"name": s.name, "labels": s.labels, "value": number(s.value)} for s in family.samples],
    }
    for family in text_string_to_metric_families(sys.stdin.read())
]
json.dump(families, sys.stdout)
