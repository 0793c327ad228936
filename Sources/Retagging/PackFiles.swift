import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The pack files of a ``ParseCache`` folder: entries appended back to back, an index of
/// them in memory (read from the packs' entry headers on first use), and the pack this
/// process appends to.
///
/// A pack is `p-<time>-<process>-<sequence>.rvpk`: an 8-byte header (magic `RVPK`, layout
/// version) and entries as ``ParseCache`` writes them (magic, version, content hash, input
/// size, name length, name, payload length, checksum, text hash, payload). Packs are read in
/// the order of their names (the time they were created), so a later entry of a name
/// supersedes an earlier one. Only this process appends to its packs (each process creates
/// its own), and it appends a whole entry at once; a write that fails is cut off again, so a
/// pack never holds a partial entry except after a kill, at its end, where the scan stops.
///
/// `@unchecked Sendable`: every stored property is read and written under `lock` (worker
/// threads and the writer load entries, the writer and workers append).
final class PackFiles: @unchecked Sendable {
    /// What identifies an entry: the document's name and the bytes it was parsed from.
    struct Entry: Hashable, Sendable {
        var name: String
        var contentHash: UInt64
        var inputSize: UInt64
    }

    /// An entry's place in a pack.
    struct Location: Hashable, Sendable {
        var pack: Int
        var offset: Int
        var length: Int
        var contentHash: UInt64
        var inputSize: UInt64
    }

    struct Pack {
        var name: String
        /// Open for reading (and appending, for this process's packs); -1 once deleted.
        var descriptor: Int32
        var size: Int
        /// Created by this process (never rewritten by ``prune(removing:)``).
        var own: Bool
    }

    /// What ``read(name:contentHash:inputSize:)`` found.
    enum Read {
        /// An entry's bytes and where they were (for messages).
        case entry(bytes: [UInt8], place: String)
        /// No entry of these bytes.
        case none
        /// An entry that could not be read, and why.
        case failure(String)
    }

    static let magic: UInt32 = 0x4B50_5652  // "RVPK" little-endian
    static let version: UInt32 = 1
    static let headerLength = 8
    static let fileExtension = "rvpk"
    /// A pack is closed and a new one started once it holds this many bytes (a pack that must
    /// be rewritten is then never much larger).
    static let packLimit = 64 << 20
    /// Packs smaller than this are merged at the end of a complete run (``prune(removing:)``).
    static let smallPack = packLimit / 4

    let folder: String
    private let lock = NSLock()
    private var loaded = false
    private var packs: [Pack] = []
    /// Every entry of each name, oldest first.
    private var index: [String: [Location]] = [:]
    /// The pack this process appends to (an index of `packs`).
    private var appender: Int?
    /// Set after a write failed: nothing more is appended in this process.
    private var appendsFailed = false
    private var sequence = 0

    init(folder: String) {
        self.folder = folder
    }

    deinit {
        for pack in packs where pack.descriptor >= 0 { close(pack.descriptor) }
    }

    // MARK: - Reading

    /// The bytes of the latest entry of `name` parsed from bytes with this hash and size.
    func read(name: String, contentHash: UInt64, inputSize: UInt64) -> Read {
        lock.lock()
        defer { lock.unlock() }
        loadIndex()
        guard let location = index[name]?.last(where: { $0.contentHash == contentHash && $0.inputSize == inputSize }) else {
            return .none
        }
        let pack = packs[location.pack]
        let place = "\((folder as NSString).appendingPathComponent(pack.name)) at byte \(location.offset)"
        do {
            let bytes = try Self.read(pack.descriptor, offset: location.offset, count: location.length)
            guard bytes.count == location.length else { return .failure("\(place): truncated (\(bytes.count) of \(location.length) bytes)") }
            return .entry(bytes: bytes, place: place)
        } catch {
            return .failure("\(place): cannot read: \(error.message)")
        }
    }

    /// Reads the packs' entry headers into ``index`` (once).
    private func loadIndex() {
        guard !loaded else { return }
        loaded = true
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter(Self.isPackName).sorted()
        for name in names {
            let descriptor = open((folder as NSString).appendingPathComponent(name), O_RDONLY | O_NOFOLLOW)
            guard descriptor >= 0 else { continue }
            var info = stat()
            guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG,
                let header = try? Self.read(descriptor, offset: 0, count: Self.headerLength), header.count == Self.headerLength,
                Self.u32(header, 0) == Self.magic, Self.u32(header, 4) == Self.version
            else {
                close(descriptor)  // not a pack of this layout: left alone
                continue
            }
            packs.append(Pack(name: name, descriptor: descriptor, size: Int(info.st_size), own: false))
            scan(packs.count - 1)
        }
    }

    /// Adds the entries of a pack to the index, up to the first one whose header does not
    /// hold together (what follows it is not trusted).
    private func scan(_ pack: Int) {
        let descriptor = packs[pack].descriptor
        let size = packs[pack].size
        let fixed = ParseCache.fixedHeader
        var offset = Self.headerLength
        // Enough for the headers of names up to a few hundred bytes in one read.
        let usual = 512
        while size - offset >= fixed {
            guard var header = try? Self.read(descriptor, offset: offset, count: min(usual, size - offset)), header.count >= fixed,
                Self.u32(header, 0) == ParseCache.magic, Self.u32(header, 4) == ParseCache.entryVersion
            else { return }
            let nameLength = Int(Self.u32(header, 24))
            let lengthsEnd = fixed + nameLength + 16
            guard nameLength <= ParseCache.maximumNameLength, lengthsEnd <= size - offset else { return }
            if header.count < lengthsEnd {
                guard let longer = try? Self.read(descriptor, offset: offset, count: lengthsEnd), longer.count == lengthsEnd else { return }
                header = longer
            }
            let payloadLength = Self.u64(header, fixed + nameLength)
            guard size - offset >= lengthsEnd + ParseCache.textHashLength,
                payloadLength <= UInt64(size - offset - lengthsEnd - ParseCache.textHashLength),
                let name = String(validating: header[fixed..<(fixed + nameLength)], as: UTF8.self)
            else { return }
            let length = lengthsEnd + ParseCache.textHashLength + Int(payloadLength)
            index[name, default: []].append(Location(
                pack: pack, offset: offset, length: length, contentHash: Self.u64(header, 8), inputSize: Self.u64(header, 16)))
            offset += length
        }
    }

    // MARK: - Appending

    /// Appends an entry (its header and payload) to this process's pack, starting one when
    /// there is none or it is full; false when it could not be written (nothing of it stays).
    func append(_ entry: Entry, _ header: [UInt8], _ payload: [UInt8]) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        loadIndex()
        guard let pack = openAppender(), Self.write(packs[pack].descriptor, header, payload) else {
            failAppends()
            return false
        }
        let length = header.count + payload.count
        index[entry.name, default: []].append(Location(
            pack: pack, offset: packs[pack].size, length: length, contentHash: entry.contentHash, inputSize: entry.inputSize))
        packs[pack].size += length
        return true
    }

    /// The pack to append to: the open one while it has room, else a new one.
    private func openAppender() -> Int? {
        guard !appendsFailed else { return nil }
        if let appender, packs[appender].size < Self.packLimit { return appender }
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        let nanoseconds = UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
        sequence += 1
        let name = "p-\(ContentHash.hex(nanoseconds))-\(getpid())-\(sequence)-\(UInt32.random(in: 0...UInt32.max)).\(Self.fileExtension)"
        let descriptor = open((folder as NSString).appendingPathComponent(name), O_RDWR | O_CREAT | O_EXCL | O_APPEND, 0o644)
        guard descriptor >= 0 else { return nil }
        var header: [UInt8] = []
        withUnsafeBytes(of: Self.magic.littleEndian) { header.append(contentsOf: $0) }
        withUnsafeBytes(of: Self.version.littleEndian) { header.append(contentsOf: $0) }
        packs.append(Pack(name: name, descriptor: descriptor, size: 0, own: true))
        appender = packs.count - 1
        guard Self.write(descriptor, header, []) else { return nil }
        packs[packs.count - 1].size = header.count
        return appender
    }

    /// After a failed write: the partial entry is cut off, and nothing more is appended in
    /// this process (a full disk stays full); the documents are parsed again next time.
    private func failAppends() {
        appendsFailed = true
        guard let appender else { return }
        if ftruncate(packs[appender].descriptor, off_t(packs[appender].size)) != 0 {
            // The pack may end in a partial entry: the scan stops there, as after a kill.
        }
    }

    // MARK: - Pruning

    /// Drops every entry of the names `removing` says to, and rewrites (copies the live
    /// entries of, then deletes) each pack of earlier runs that holds such an entry, more
    /// bytes of superseded entries than live ones, or is small while others are (see
    /// ``smallPack``). Returns how many names were dropped.
    func prune(removing: (String) -> Bool) -> Int {
        lock.lock()
        defer { lock.unlock() }
        loadIndex()
        let removed = Set(index.keys.filter(removing))
        // Per pack: the bytes of its live entries (each name's latest, unless removed), and
        // whether it holds an entry of a removed name.
        var liveBytes = [Int](repeating: 0, count: packs.count)
        var holdsRemoved = [Bool](repeating: false, count: packs.count)
        var live: [[(name: String, location: Location)]] = Array(repeating: [], count: packs.count)
        for (name, locations) in index {
            if removed.contains(name) {
                for location in locations { holdsRemoved[location.pack] = true }
            } else if let latest = locations.last {
                liveBytes[latest.pack] += latest.length
                live[latest.pack].append((name, latest))
            }
        }
        // Small packs (a run that parsed a few changed documents writes one) are merged into
        // this process's pack whenever that leaves fewer packs, so that their number (and the
        // files kept open) stays bounded however many runs there are.
        let small = packs.indices.filter { packs[$0].descriptor >= 0 && !packs[$0].own && packs[$0].size < Self.smallPack }
        let merging = small.count >= 2 || (small.count == 1 && appender != nil)
        var rewritten: Set<Int> = []
        for pack in packs.indices where packs[pack].descriptor >= 0 && !packs[pack].own {
            let entryBytes = packs[pack].size - Self.headerLength
            guard holdsRemoved[pack] || liveBytes[pack] * 2 < entryBytes || (merging && packs[pack].size < Self.smallPack) else { continue }
            if copy(live[pack].sorted { $0.location.offset < $1.location.offset }) {
                unlink((folder as NSString).appendingPathComponent(packs[pack].name))
                close(packs[pack].descriptor)
                packs[pack].descriptor = -1
                rewritten.insert(pack)
            }
        }
        // Entries in deleted packs are gone; a removed name is dropped once all of its are.
        var dropped = 0
        for name in index.keys {
            index[name]!.removeAll { rewritten.contains($0.pack) }
            if removed.contains(name), index[name]!.isEmpty { dropped += 1 }
            if index[name]!.isEmpty { index[name] = nil }
        }
        return dropped
    }

    /// Copies entries (as they are, byte for byte) to this process's pack, updating the
    /// index; false when one could not be read or written (the old pack is then kept).
    private func copy(_ entries: [(name: String, location: Location)]) -> Bool {
        for (name, location) in entries {
            guard let bytes = try? Self.read(packs[location.pack].descriptor, offset: location.offset, count: location.length),
                bytes.count == location.length, let pack = openAppender(), Self.write(packs[pack].descriptor, bytes, [])
            else {
                failAppends()
                return false
            }
            var moved = location
            moved.pack = pack
            moved.offset = packs[pack].size
            packs[pack].size += location.length
            // The copy supersedes the old entry: the latest again, now in a pack that stays.
            index[name, default: []].append(moved)
        }
        return true
    }

    // MARK: - Inspection (tests)

    /// The packs' paths, oldest first (deleted ones left out).
    func packPaths() -> [String] {
        lock.lock()
        defer { lock.unlock() }
        loadIndex()
        return packs.filter { $0.descriptor >= 0 }.map { (folder as NSString).appendingPathComponent($0.name) }
    }

    /// Each name's latest entry: its pack's path, offset and length.
    func latestEntries() -> [String: (path: String, offset: Int, length: Int)] {
        lock.lock()
        defer { lock.unlock() }
        loadIndex()
        return index.compactMapValues { locations in
            locations.last.map { ((folder as NSString).appendingPathComponent(packs[$0.pack].name), $0.offset, $0.length) }
        }
    }

    // MARK: - Files

    /// Whether a file name is a pack's.
    static func isPackName(_ name: String) -> Bool {
        name.hasPrefix("p-") && name.hasSuffix("." + fileExtension)
    }

    /// Up to `count` bytes at `offset` (fewer at the end of the file).
    static func read(_ descriptor: Int32, offset: Int, count: Int) throws(RetagInput.ReadFailure) -> [UInt8] {
        try RetagInput.readUpTo(descriptor, capacity: count, at: offset)
    }

    /// Writes two buffers one after the other, all of them; false when a write failed.
    static func write(_ descriptor: Int32, _ first: [UInt8], _ second: [UInt8]) -> Bool {
        first.withUnsafeBytes { first in
            second.withUnsafeBytes { second in
                var done = 0
                let total = first.count + second.count
                while done < total {
                    var vectors: [iovec] = []
                    if done < first.count {
                        vectors.append(iovec(iov_base: UnsafeMutableRawPointer(mutating: first.baseAddress! + done), iov_len: first.count - done))
                    }
                    if second.count > 0 {
                        let skip = max(0, done - first.count)
                        vectors.append(iovec(iov_base: UnsafeMutableRawPointer(mutating: second.baseAddress! + skip), iov_len: second.count - skip))
                    }
                    let count = writev(descriptor, vectors, Int32(vectors.count))
                    if count < 0 {
                        if errno == EINTR { continue }
                        return false
                    }
                    if count == 0 { return false }
                    done += count
                }
                return true
            }
        }
    }

    static func u32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        bytes.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
    }

    static func u64(_ bytes: [UInt8], _ offset: Int) -> UInt64 {
        bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
    }
}
