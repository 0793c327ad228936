import CSHA256

/// SHA-256 (FIPS 180-4) of a byte sequence, for documents' content hashes.
/// (Foundation on Linux has no CryptoKit, and the store needs nothing more.)
///
/// Whole 64-byte blocks are compressed straight from the input's contiguous storage; only
/// the padded tail is copied. A bulk retag hashes every document's text, so this runs at
/// a few hundred MB/s rather than copying the input and bounds-checking every word.
enum SHA256 {
    private static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    /// The digest of a string's UTF-8 as 64 lowercase hex digits.
    static func hex(_ text: String) -> String {
        var text = text
        return text.withUTF8 { hex(UnsafeRawBufferPointer($0)) }
    }

    /// The digest as 64 lowercase hex digits.
    static func hex<Bytes: Collection>(_ input: Bytes) -> String where Bytes.Element == UInt8 {
        if let digest = input.withContiguousStorageIfAvailable({ hex(UnsafeRawBufferPointer($0)) }) { return digest }
        return Array(input).withUnsafeBytes { hex($0) }
    }

    /// Whether the CPU's SHA instructions compress the blocks (see `Sources/CSHA256`).
    static let hardware = revtag_sha256_hardware_available() == 1

    /// The digest of a buffer as 64 lowercase hex digits (with the CPU's SHA instructions
    /// when it has them, about ten times faster).
    static func hex(_ input: UnsafeRawBufferPointer) -> String {
        hex(input, hardware: hardware)
    }

    /// The digest computed with the SHA instructions or with the portable code (tests
    /// compare the two).
    static func hex(_ input: UnsafeRawBufferPointer, hardware: Bool) -> String {
        var state = State()
        let whole = input.count / 64 * 64
        if let base = input.baseAddress, whole > 0 {
            if hardware {
                state.compressHardware(base.assumingMemoryBound(to: UInt8.self), blocks: whole / 64)
            } else {
                var offset = 0
                while offset < whole {
                    state.compress(base + offset)
                    offset += 64
                }
            }
        }
        // The tail, the 0x80 marker, zeros and the bit length: one or two more blocks.
        var tail = [UInt8](repeating: 0, count: 128)
        let rest = input.count - whole
        for index in 0..<rest { tail[index] = input[whole + index] }
        tail[rest] = 0x80
        let tailLength = rest + 9 <= 64 ? 64 : 128
        let bitLength = UInt64(input.count) &* 8
        for byte in 0..<8 { tail[tailLength - 1 - byte] = UInt8(truncatingIfNeeded: bitLength >> UInt64(byte * 8)) }
        tail.withUnsafeBytes { buffer in
            if hardware {
                state.compressHardware(buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), blocks: tailLength / 64)
            } else {
                state.compress(buffer.baseAddress!)
                if tailLength == 128 { state.compress(buffer.baseAddress! + 64) }
            }
        }
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for word in state.words {
            for shift in stride(from: 28, through: 0, by: -4) { out.append(digits[Int((word >> UInt32(shift)) & 0xF)]) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private struct State {
        var h0: UInt32 = 0x6a09e667, h1: UInt32 = 0xbb67ae85, h2: UInt32 = 0x3c6ef372, h3: UInt32 = 0xa54ff53a
        var h4: UInt32 = 0x510e527f, h5: UInt32 = 0x9b05688c, h6: UInt32 = 0x1f83d9ab, h7: UInt32 = 0x5be0cd19

        var words: [UInt32] { [h0, h1, h2, h3, h4, h5, h6, h7] }

        /// Compresses `blocks` 64-byte blocks with the SHA instructions.
        mutating func compressHardware(_ data: UnsafePointer<UInt8>, blocks: Int) {
            var words = (h0, h1, h2, h3, h4, h5, h6, h7)
            withUnsafeMutableBytes(of: &words) { buffer in
                revtag_sha256_blocks(buffer.baseAddress!.assumingMemoryBound(to: UInt32.self), data, blocks)
            }
            (h0, h1, h2, h3, h4, h5, h6, h7) = words
        }

        /// Compresses the 64 bytes at `block`.
        mutating func compress(_ block: UnsafeRawPointer) {
            var (a, b, c, d, e, f, g, hh) = (h0, h1, h2, h3, h4, h5, h6, h7)
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
                SHA256.k.withUnsafeBufferPointer { k in
                    for i in 0..<16 {
                        w[i] = UInt32(bigEndian: block.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self))
                    }
                    for i in 16..<64 {
                        let s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3)
                        let s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10)
                        w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
                    }
                    for i in 0..<64 {
                        let s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
                        let choice = (e & f) ^ (~e & g)
                        let t1 = hh &+ s1 &+ choice &+ k[i] &+ w[i]
                        let s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
                        let majority = (a & b) ^ (a & c) ^ (b & c)
                        let t2 = s0 &+ majority
                        (hh, g, f, e, d, c, b, a) = (g, f, e, d &+ t1, c, b, a, t1 &+ t2)
                    }
                }
            }
            h0 &+= a; h1 &+= b; h2 &+= c; h3 &+= d
            h4 &+= e; h5 &+= f; h6 &+= g; h7 &+= hh
        }

        @inline(__always) private func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }
    }
}
