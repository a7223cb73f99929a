import Foundation

extension ConfigurationSchema {
    /// `Config/activationd.yaml`, written from the table: the preamble, then every key with its
    /// description as a comment and its default as the value. `ConfigurationTests` fails when the
    /// shipped file differs; `activationd config-template > Config/activationd.yaml` rewrites it.
    static func template() -> String {
        var lines = preamble.split(separator: "\n", omittingEmptySubsequences: false).map { comment($0, indent: "") }
        var section: String? = nil
        for entry in entries {
            let parts = entry.key.split(separator: ".", maxSplits: 1).map(String.init)
            let name = parts.count == 2 ? parts[0] : nil
            let indent = name == nil ? "" : "  "
            if name == nil {
                lines.append("")
            } else if name != section {
                lines += ["", "\(parts[0]):"]
            }
            section = name
            if !entry.description.isEmpty {
                lines += entry.description.split(separator: "\n", omittingEmptySubsequences: false)
                    .map { comment($0, indent: indent) }
            }
            lines.append("\(indent)\(parts[parts.count - 1]): \(yamlValue(entry))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The key list of activationd(8)'s CONFIGURATION section, in troff: each key, its default
    /// and its description.
    static func manualKeyList() -> String {
        var lines: [String] = []
        for entry in entries {
            let shown = entry.defaultValue.isEmpty ? "empty" : entry.defaultValue
            lines += [".TP", "\\fB\(troff(entry.key))\\fR (default: \(troff(shown)))"]
            let text = entry.description.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
            lines.append(text.isEmpty ? "\\&" : troff(text))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func comment(_ line: Substring, indent: String) -> String {
        line.isEmpty ? indent + "#" : indent + "# " + line
    }

    /// Whole numbers and `true`/`false` bare, everything else quoted.
    private static func yamlValue(_ entry: Entry) -> String {
        switch entry.kind {
        case .integer: return entry.defaultValue
        case .choice(let choices) where choices == ["true", "false"]: return entry.defaultValue
        default:
            let escaped = entry.defaultValue.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "\"", with: "\\\"")
            return "\"\(escaped)\""
        }
    }

    /// Text as troff reads it literally (as `packaging/manpage.py` escapes it).
    private static func troff(_ text: String) -> String {
        var escaped = text.replacingOccurrences(of: "\\", with: "\\e").replacingOccurrences(of: "-", with: "\\-")
        if escaped.hasPrefix(".") || escaped.hasPrefix("'") { escaped = "\\&" + escaped }
        return escaped
    }
}

extension DaemonConfiguration {
    /// `Config/activationd.yaml` as the table of keys writes it (`activationd config-template`).
    public static var configurationTemplate: String { ConfigurationSchema.template() }

    /// activationd(8)'s CONFIGURATION key list in troff (`activationd config-template --manual`).
    public static var manualKeyList: String { ConfigurationSchema.manualKeyList() }
}
