import Foundation
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The `revtag` binary built beside the test bundle (`swift test` builds every product).
func revtagBinary() throws -> URL {
    let path = TestPaths.revtagBinary
    guard FileManager.default.isExecutableFile(atPath: path) else {
        throw ProcessTestError.noBinary(TestPaths.revtagCandidates.map(\.path))
    }
    return URL(fileURLWithPath: path)
}

enum ProcessTestError: Error, CustomStringConvertible {
    case noBinary([String])
    case timeout(String, output: String)

    var description: String {
        switch self {
        case .noBinary(let paths): "the revtag binary is not built (looked at \(paths.joined(separator: ", "))); run swift build first"
        case .timeout(let what, let output): "timed out waiting for \(what); output so far:\n\(output)"
        }
    }
}

/// The outcome of running revtag.
struct RunResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs revtag with pipes for its standard streams.
func runRevtag(_ arguments: [String], in directory: URL, environment: [String: String] = [:], input: String? = nil) throws -> RunResult {
    let process = Process()
    process.executableURL = try revtagBinary()
    process.arguments = arguments
    process.currentDirectoryURL = directory
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let stdout = Pipe()
    let stderr = Pipe()
    let stdin = Pipe()
    process.standardOutput = stdout
    process.standardError = stderr
    process.standardInput = stdin
    try process.run()
    if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
    try stdin.fileHandleForWriting.close()
    let out = stdout.fileHandleForReading.readDataToEndOfFile()
    let err = stderr.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return RunResult(
        status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
}

/// revtag running in a pseudo-terminal: keys are written to the master side, output read from it.
final class PseudoTerminalSession {
    let process = Process()
    private let master: Int32
    private(set) var output = ""

    init(_ arguments: [String], in directory: URL, environment: [String: String]) throws {
        // Glibc's module does not export the pseudo-terminal calls (they need _XOPEN_SOURCE); look them up.
        typealias Open = @convention(c) (Int32) -> Int32
        typealias Name = @convention(c) (Int32, UnsafeMutablePointer<CChar>?, Int) -> Int32
        guard let openSymbol = dlsym(nil, "posix_openpt"), let grantSymbol = dlsym(nil, "grantpt"),
            let unlockSymbol = dlsym(nil, "unlockpt"), let nameSymbol = dlsym(nil, "ptsname_r")
        else { throw POSIXError(.ENOSYS) }
        master = unsafeBitCast(openSymbol, to: Open.self)(O_RDWR | O_NOCTTY)
        var name = [CChar](repeating: 0, count: 128)
        guard master >= 0, unsafeBitCast(grantSymbol, to: Open.self)(master) == 0,
            unsafeBitCast(unlockSymbol, to: Open.self)(master) == 0,
            unsafeBitCast(nameSymbol, to: Name.self)(master, &name, name.count) == 0
        else { throw POSIXError(.ENOTTY) }
        let slave = open(String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self), O_RDWR | O_NOCTTY)
        guard slave >= 0 else { throw POSIXError(.ENOTTY) }
        let handle = FileHandle(fileDescriptor: slave, closeOnDealloc: true)
        process.executableURL = try revtagBinary()
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        merged["NO_COLOR"] = nil
        process.environment = merged
        process.standardInput = handle
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        try handle.close()
    }

    deinit {
        if process.isRunning { process.terminate() }
        close(master)
    }

    /// Whether the pseudo-terminal is in canonical (line) mode, as a shell expects it.
    var isCanonical: Bool {
        var settings = termios()
        guard tcgetattr(master, &settings) == 0 else { return false }
        return settings.c_lflag & tcflag_t(ICANON) != 0
    }

    /// Types keys.
    func send(_ keys: String) {
        let bytes = Array(keys.utf8)
        _ = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
    }

    /// Reads output until it contains `marker` (counting from `from`), or throws after `timeout` seconds.
    @discardableResult
    func wait(for marker: String, after from: String.Index? = nil, timeout: TimeInterval = 20) throws -> String.Index {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let start = from ?? output.startIndex
            if let found = output.range(of: marker, range: start..<output.endIndex) { return found.upperBound }
            guard Date() < deadline else { throw ProcessTestError.timeout("'\(marker)'", output: output) }
            var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            if poll(&descriptor, 1, 100) > 0 {
                var buffer = [UInt8](repeating: 0, count: 4096)
                let count = read(master, &buffer, buffer.count)
                if count > 0 {
                    output += String(decoding: buffer[0..<count], as: UTF8.self)
                } else if !process.isRunning {
                    throw ProcessTestError.timeout("'\(marker)' (revtag exited)", output: output)
                }
            }
        }
    }

    /// Waits for the process to end and returns its status.
    func finish(timeout: TimeInterval = 20) throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            if poll(&descriptor, 1, 50) > 0 {
                var buffer = [UInt8](repeating: 0, count: 4096)
                let count = read(master, &buffer, buffer.count)
                if count > 0 { output += String(decoding: buffer[0..<count], as: UTF8.self) }
            }
            guard Date() < deadline else { throw ProcessTestError.timeout("revtag to exit", output: output) }
        }
        return process.terminationStatus
    }
}
