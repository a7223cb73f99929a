#!/usr/bin/env python3
"""Writes activationd(8) in troff from the argument parser's own description of the command line.

Input on stdin: `activationd --experimental-dump-help` (swift-argument-parser's ToolInfo JSON), so
the page names every subcommand, option and abstract the parser knows, and cannot drift from it.
Arguments: VERSION DATE (YYYY-MM-DD, the commit's date, so that the page is reproducible) and
KEYS, a file holding `activationd config-template --manual`: the CONFIGURATION section's key list
in troff, written by the daemon's table of keys (ConfigurationSchema), which also writes
Config/activationd.yaml.

Not the parser's `generate-manual` plugin: that plugin builds every product of the package in
release mode a second time and writes mdoc into a plugin work directory; the release build of
`make deb` already has the binary, and one page for all subcommands is what section 8 wants.
"""
import json
import sys


def escape(text):
    """Text as troff reads it literally: backslashes, and a leading dot or quote."""
    lines = []
    for line in text.replace("\\", "\\e").split("\n"):
        line = line.replace("-", "\\-")
        if line.startswith((".", "'")):
            line = "\\&" + line
        lines.append(line)
    return "\n".join(lines)


def paragraphs(text):
    """The parser's discussion: paragraphs, and indented example lines kept as they are."""
    out = []
    for block in text.strip().split("\n\n"):
        lines = block.split("\n")
        if all(line.startswith("  ") or not line.strip() for line in lines[1:]) and lines[0].endswith(":") \
                and len(lines) > 1:
            out += [".PP", escape(lines[0]), ".RS 4", ".nf"] + [escape(line.strip()) for line in lines[1:]]
            out += [".fi", ".RE"]
        else:
            out += [".PP", escape(" ".join(line.strip() for line in lines))]
    return out


def shown(command):
    return [a for a in command.get("arguments", []) if a.get("shouldDisplay", True)
            and a.get("preferredName", {}).get("name") != "help"]


def argument_synopsis(argument):
    name = argument.get("preferredName")
    value = argument.get("valueName", "value")
    if argument["kind"] == "positional":
        text = f"\\fI{value}\\fR"
    else:
        dashes = "-" if name["kind"] == "short" else "--"
        text = f"\\fB{escape(dashes + name['name'])}\\fR"
        if argument["kind"] == "option":
            text += f" \\fI{value}\\fR"
    if argument.get("isRepeating"):
        text += " ..."
    return f"[{text}]" if argument.get("isOptional") else text


def leaves(command, path):
    """Every runnable command, with its full name ("account show")."""
    subcommands = [s for s in command.get("subcommands", []) if s.get("shouldDisplay", True)
                   and s["commandName"] != "help"]
    if not subcommands:
        yield path, command
    for sub in subcommands:
        yield from leaves(sub, path + [sub["commandName"]])


def page(tool, version, date, keys):
    root = tool["command"]
    name = root["commandName"]
    out = [f'.TH {name.upper()} 8 "{date}" "{name} {version}" "System Administration"',
           ".SH NAME", f"{name} \\- {escape(root.get('abstract', ''))}",
           ".SH SYNOPSIS"]
    commands = list(leaves(root, []))
    for path, command in commands:
        synopsis = " ".join(argument_synopsis(a) for a in shown(command))
        out += [".HP", f"\\fB{name} {' '.join(path)}\\fR {synopsis}".rstrip()]
    out += [".HP", f"\\fB{name} \\-\\-version\\fR", ".SH DESCRIPTION"]
    out += paragraphs(root.get("abstract", "") + "\n\n" + root.get("discussion", ""))
    out += [".SH COMMANDS"]
    for path, command in commands:
        out += [".SS " + escape(" ".join(path))]
        out += paragraphs(command.get("abstract", ""))
        if command.get("discussion"):
            out += paragraphs(command["discussion"])
        for argument in shown(command):
            out += [".TP", argument_synopsis(argument).strip("[]")]
            help_text = argument.get("abstract", "")
            if argument.get("defaultValue"):
                help_text += f" (default: {argument['defaultValue']})"
            out += [escape(help_text) or "\\&"]
    out += [".SH CONFIGURATION", ".PP",
            "Every key of /etc/activationd/activationd.yaml with its default. A key is overridden by the "
            "environment variable ACTIVATIOND_<SECTION>_<KEY> (ACTIVATIOND_SMTP_URL for smtp.url). A value "
            "that does not parse stops the command with exit status 78, naming the key."]
    out += keys.rstrip("\n").split("\n")
    out += [".SH FILES", ".TP", "/etc/activationd/activationd.yaml",
            "The configuration; every key with its default and a comment.",
            ".TP", "/etc/activationd/signing.keys",
            "The activation-link signing keys (mode 0600), written at installation when missing.",
            ".TP", "/var/spool/activationd", "The spool the web front drops registrations into.",
            ".TP", "/usr/share/activationd/monitoring",
            "Prometheus alerting rules and a Grafana dashboard.",
            ".SH SEE ALSO", "\\fBsystemctl\\fR(1), \\fBsysexits\\fR(3), \\fBsystemd.exec\\fR(5)",
            ".PP", "/usr/share/doc/activationd/README.md and docs/operations.md there."]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: manpage.py VERSION DATE KEYS < dump-help.json")
    with open(sys.argv[3], encoding="utf-8") as keys:
        sys.stdout.write(page(json.load(sys.stdin), sys.argv[1], sys.argv[2], keys.read()))
