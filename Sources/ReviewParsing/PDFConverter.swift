import Foundation
import ReviewModel

/// Runs poppler's `pdftohtml -xml` on a PDF.
enum PDFConverter {
    /// The `pdftohtml` executable on PATH, if any.
    static func executable() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/pdftohtml"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Converts the PDF at `path` (or, when nil, `bytes` written to a temporary file) to
    /// pdftohtml XML.
    static func convert(
        path: String?, bytes: [UInt8], name: String, limit: Int, timeout: Double, tool configured: String?
    ) throws(ParseError) -> [UInt8] {
        let found = configured.map { FileManager.default.isExecutableFile(atPath: $0) ? $0 : nil } ?? executable()
        guard let tool = found else { throw .converterMissing(name: name) }
        var input = path
        var temporary: URL?
        if input == nil {
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("revtag-\(UUID().uuidString).pdf")
            do {
                try Data(bytes).write(to: url)
            } catch {
                throw .converterFailed(name: name, message: "cannot write a temporary file: \(error.localizedDescription)")
            }
            temporary = url
            input = url.path
        }
        defer { if let temporary { try? FileManager.default.removeItem(at: temporary) } }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["-xml", "-i", "-q", "-nodrm", "-stdout", "-enc", "UTF-8", input!]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw .converterFailed(name: name, message: "cannot run \(tool): \(error.localizedDescription)")
        }
        let watchdog = ProcessWatchdog(process: process)
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { watchdog.stopIfRunning() }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        if watchdog.fired {
            throw .converterFailed(name: name, message: "pdftohtml took longer than \(Int(timeout)) s and was stopped")
        }
        guard process.terminationStatus == 0 else {
            let message = String(decoding: errorData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw .converterFailed(name: name, message: message.isEmpty ? "exit status \(process.terminationStatus)" : message)
        }
        if data.count > limit * 4 {
            throw .tooLarge(name: name, bytes: data.count, limit: limit * 4)
        }
        return [UInt8](data)
    }
}

/// Stops a converter that runs too long. `@unchecked Sendable`: `fired` is only written under
/// `lock`, and `Process.terminate()` may be called from any thread.
private final class ProcessWatchdog: @unchecked Sendable {
    private let process: Process
    private let lock = NSLock()
    private var didFire = false

    init(process: Process) { self.process = process }

    var fired: Bool {
        lock.lock()
        defer { lock.unlock() }
        return didFire
    }

    func stopIfRunning() {
        lock.lock()
        defer { lock.unlock() }
        if process.isRunning {
            didFire = true
            process.terminate()
        }
    }
}
