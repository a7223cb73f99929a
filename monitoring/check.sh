#!/usr/bin/env bash
# Checks the monitoring kit with promtool: the rules parse, their unit tests (test series) pass, and
# every query of the Grafana dashboard parses as PromQL (each is checked as a recording rule, with
# the dashboard's variables filled in). PackageTests runs it in `make test`.
set -euo pipefail
cd "$(dirname "$0")"
promtool check rules activationd.rules.yml
promtool test rules activationd.rules.test.yml
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - grafana-dashboard.json > "$work/dashboard.rules.yml" <<'PYTHON'
import json
import sys

dashboard = json.load(open(sys.argv[1]))
print("groups:\n  - name: dashboard\n    rules:")
for panel in dashboard["panels"]:
    for target in panel.get("targets", []):
        expr = target["expr"].replace("$job", "activationd").replace("$instance", ".*").replace("$__range", "1d")
        print(f"      - record: dashboard:panel{panel['id']}:{target['refId']}\n        expr: {json.dumps(expr)}")
PYTHON
promtool check rules "$work/dashboard.rules.yml"
