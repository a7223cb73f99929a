#!/usr/bin/python3
"""Verifies every DKIM-Signature of a message with dkimpy (Debian's python3-dkim), an
implementation activationd did not write, against TXT records given as the zone-file lines
`activationd keys dkim` prints, instead of DNS.

usage: verify_dkim.py MESSAGE RECORDS
  MESSAGE  the message file (as sent, or as delivered into a Maildir)
  RECORDS  a file of lines `<name>. IN TXT "..." "..."` (other lines are ignored)

Prints one JSON object: {"signatures": N, "results": [{"d", "s", "a", "ok", "error"}]}.
Exit 0 when there is at least one signature and every one verifies, 1 otherwise, 2 on bad usage.
"""
import json
import re
import sys

import dkim


def load_records(path):
    records = {}
    with open(path, encoding="ascii") as handle:
        for line in handle:
            match = re.match(r'^(\S+?)\.?\s+IN\s+TXT\s+(.*)$', line.strip())
            if not match:
                continue
            # A TXT record may be split in strings of at most 255 bytes; resolvers join them.
            strings = re.findall(r'"([^"]*)"', match.group(2))
            records[match.group(1).lower()] = "".join(strings).encode("ascii")
    return records


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1], "rb") as handle:
        message = handle.read()
    records = load_records(sys.argv[2])

    def dnsfunc(name, timeout=5):
        if isinstance(name, bytes):
            name = name.decode("ascii")
        return records.get(name.rstrip(".").lower())

    checker = dkim.DKIM(message)
    headers = dkim.rfc822_parse(message)[0]
    signatures = [value for name, value in headers if name.lower() == b"dkim-signature"]
    results = []
    for index, value in enumerate(signatures):
        tags = dkim.util.parse_tag_value(re.sub(rb"\s+", b"", value))
        result = {"d": tags.get(b"d", b"").decode(), "s": tags.get(b"s", b"").decode(),
                  "a": tags.get(b"a", b"").decode(), "ok": False, "error": ""}
        try:
            result["ok"] = bool(checker.verify(idx=index, dnsfunc=dnsfunc))
        except dkim.DKIMException as error:
            result["error"] = str(error)
        results.append(result)
    print(json.dumps({"signatures": len(signatures), "results": results}))
    return 0 if results and all(result["ok"] for result in results) else 1


if __name__ == "__main__":
    sys.exit(main())
