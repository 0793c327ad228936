import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The settings to restore from a signal handler. Written once on the main thread before
/// the handlers are installed, then only read (by `tcsetattr`, async-signal-safe).
nonisolated(unsafe) private var terminalSettingsToRestore = termios()

/// The terminal of `revtag review`: keys one at a time in raw mode (no echo, no line
/// buffering), or whole lines when raw mode is unavailable. Owns the saved termios state
/// and restores it on ``restore()``.
final class ReviewTerminal {
    private var saved = termios()
    /// Whether keys are read one at a time.
    private(set) var raw = false
    /// Whether to colour the output (not under NO_COLOR or TERM=dumb).
    let colour: Bool
    private var pendingLine: [UInt8] = []

    init() {
        let environment = ProcessInfo.processInfo.environment
        colour = environment["NO_COLOR"] == nil && environment["TERM"] != "dumb"
        if tcgetattr(STDIN_FILENO, &saved) == 0 {
            var settings = saved
            settings.c_lflag &= ~tcflag_t(ICANON | ECHO | ISIG)
            settings.c_iflag &= ~tcflag_t(IXON | ICRNL)
            withUnsafeMutableBytes(of: &settings.c_cc) { cc in
                cc[Int(VMIN)] = 1
                cc[Int(VTIME)] = 0
            }
            // TCSANOW: keys typed ahead are kept (TCSAFLUSH would drop them).
            raw = tcsetattr(STDIN_FILENO, TCSANOW, &settings) == 0
            if raw {
                terminalSettingsToRestore = saved
                // A session ended by kill or a closed window must not leave the shell in raw mode.
                for signalNumber in [SIGTERM, SIGHUP, SIGQUIT] {
                    signal(signalNumber) { received in
                        _ = tcsetattr(STDIN_FILENO, TCSANOW, &terminalSettingsToRestore)
                        _exit(128 + received)
                    }
                }
            }
        }
    }

    /// Restores the terminal settings.
    func restore() {
        if raw {
            _ = tcsetattr(STDIN_FILENO, TCSANOW, &saved)
            raw = false
        }
    }

    deinit { restore() }

    /// Writes text (flushed at once).
    func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    private func readByte() -> UInt8? {
        var byte: UInt8 = 0
        while true {
            let count = read(STDIN_FILENO, &byte, 1)
            if count == 1 { return byte }
            if count < 0, errno == EINTR { continue }
            return nil
        }
    }

    /// The next key: one byte in raw mode; in line mode the first character of the next
    /// line (an empty line gives Enter). Nil at end of input.
    func key() -> UInt8? {
        if raw { return readByte() }
        guard let line = readLineBytes() else { return nil }
        return line.first ?? 0x0D
    }

    private func readLineBytes() -> [UInt8]? {
        var line: [UInt8] = []
        while let byte = readByte() {
            if byte == 0x0A { return line }
            if byte != 0x0D { line.append(byte) }
        }
        return line.isEmpty ? nil : line
    }

    /// Reads a line after `prompt`, with Tab completing from `completions` (raw mode) or a
    /// list of matches (line mode). Nil when cancelled (Esc, Ctrl-C) or at end of input.
    func line(prompt: String, completions: [String] = []) -> String? {
        write(prompt)
        guard raw else {
            guard let bytes = readLineBytes() else { return nil }
            return String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespaces)
        }
        var buffer: [UInt8] = []
        while let byte = readByte() {
            switch byte {
            case 0x0D, 0x0A:
                write("\n")
                return String(decoding: buffer, as: UTF8.self).trimmingCharacters(in: .whitespaces)
            case 0x1B, 0x03, 0x04:
                write("\n")
                return nil
            case 0x7F, 0x08:
                if !buffer.isEmpty {
                    buffer.removeLast()
                    while let last = buffer.last, last & 0xC0 == 0x80 { buffer.removeLast() }
                    write("\u{8} \u{8}")
                }
            case 0x09:
                let typed = String(decoding: buffer, as: UTF8.self)
                let matches = Self.matches(typed, in: completions)
                if matches.count == 1 {
                    let completion = matches[0]
                    if completion.hasPrefix(typed) {
                        write(String(completion.dropFirst(typed.count)))
                    } else {
                        write(String(repeating: "\u{8} \u{8}", count: typed.count) + completion)
                    }
                    buffer = Array(completion.utf8)
                } else if matches.count > 1 {
                    let common = Self.commonPrefix(matches)
                    if common.count > typed.count, common.hasPrefix(typed) {
                        write(String(common.dropFirst(typed.count)))
                        buffer = Array(common.utf8)
                    } else {
                        write("\n" + Self.list(matches) + "\n" + prompt + typed)
                    }
                } else {
                    write("\u{7}")
                }
            default:
                if byte >= 0x20 {
                    buffer.append(byte)
                    write(String(decoding: [byte], as: UTF8.self))
                }
            }
        }
        return nil
    }

    /// Completions for `typed`: ids starting with it, else ids whose part after the slash
    /// starts with it, else ids containing it.
    static func matches(_ typed: String, in candidates: [String]) -> [String] {
        if typed.isEmpty { return candidates }
        let prefixed = candidates.filter { $0.hasPrefix(typed) }
        if !prefixed.isEmpty { return prefixed }
        let byID = candidates.filter { $0.split(separator: "/").last?.hasPrefix(typed) == true }
        if !byID.isEmpty { return byID }
        return candidates.filter { $0.contains(typed) }
    }

    static func commonPrefix(_ strings: [String]) -> String {
        guard var prefix = strings.first else { return "" }
        for string in strings.dropFirst() {
            while !string.hasPrefix(prefix) { prefix.removeLast() }
        }
        return prefix
    }

    static func list(_ matches: [String]) -> String {
        let shown = matches.prefix(24).map { "  " + $0 }.joined(separator: "\n")
        return shown + (matches.count > 24 ? "\n  ... \(matches.count - 24) more" : "")
    }
}
