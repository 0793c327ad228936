/// XXH64 (Yann Collet's xxHash, 64-bit): the fast non-cryptographic hash retag uses to
/// tell whether a file's bytes changed since the last run. It runs at several GB/s, so
/// hashing never limits a re-run; a collision needs two different versions of one file
/// with equal size and equal 64-bit hash, which is negligible for this purpose (not a
/// security boundary: the store's text hash is SHA-256).
///
/// ```swift
/// let hash = ContentHash.xxh64(bytes)          // UInt64
/// let hex = ContentHash.hex(bytes)             // "44bc2cf5ad770999" for "abc"
/// ```
public enum ContentHash {
    private static let prime1: UInt64 = 0x9E37_79B1_85EB_CA87
    private static let prime2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    private static let prime3: UInt64 = 0x1656_67B1_9E37_79F9
    private static let prime4: UInt64 = 0x85EB_CA77_C2B2_AE63
    private static let prime5: UInt64 = 0x27D4_EB2F_1656_67C5

    /// The XXH64 of `bytes` as 16 lowercase hex digits.
    public static func hex(_ bytes: [UInt8], seed: UInt64 = 0) -> String {
        hex(xxh64(bytes, seed: seed))
    }

    /// A hash as 16 lowercase hex digits.
    public static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// The XXH64 of `bytes`.
    public static func xxh64(_ bytes: [UInt8], seed: UInt64 = 0) -> UInt64 {
        bytes.withUnsafeBytes { xxh64($0, seed: seed) }
    }

    /// The XXH64 of a buffer.
    public static func xxh64(_ buffer: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        let length = buffer.count
        var index = 0
        var hash: UInt64
        @inline(__always) func load64(_ offset: Int) -> UInt64 {
            UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        }
        if length >= 32 {
            var v1 = seed &+ prime1 &+ prime2
            var v2 = seed &+ prime2
            var v3 = seed
            var v4 = seed &- prime1
            while index + 32 <= length {
                v1 = round(v1, load64(index))
                v2 = round(v2, load64(index + 8))
                v3 = round(v3, load64(index + 16))
                v4 = round(v4, load64(index + 24))
                index += 32
            }
            hash = rotate(v1, 1) &+ rotate(v2, 7) &+ rotate(v3, 12) &+ rotate(v4, 18)
            hash = merge(hash, v1)
            hash = merge(hash, v2)
            hash = merge(hash, v3)
            hash = merge(hash, v4)
        } else {
            hash = seed &+ prime5
        }
        hash = hash &+ UInt64(length)
        while index + 8 <= length {
            hash ^= round(0, load64(index))
            hash = rotate(hash, 27) &* prime1 &+ prime4
            index += 8
        }
        if index + 4 <= length {
            let word = UInt64(UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: index, as: UInt32.self)))
            hash ^= word &* prime1
            hash = rotate(hash, 23) &* prime2 &+ prime3
            index += 4
        }
        while index < length {
            hash ^= UInt64(buffer[index]) &* prime5
            hash = rotate(hash, 11) &* prime1
            index += 1
        }
        hash ^= hash >> 33
        hash = hash &* prime2
        hash ^= hash >> 29
        hash = hash &* prime3
        hash ^= hash >> 32
        return hash
    }

    @inline(__always) private static func rotate(_ value: UInt64, _ count: UInt64) -> UInt64 {
        (value << count) | (value >> (64 - count))
    }

    @inline(__always) private static func round(_ accumulator: UInt64, _ input: UInt64) -> UInt64 {
        rotate(accumulator &+ input &* prime2, 31) &* prime1
    }

    @inline(__always) private static func merge(_ accumulator: UInt64, _ value: UInt64) -> UInt64 {
        (accumulator ^ round(0, value)) &* prime1 &+ prime4
    }
}
