import Testing
import TestSupport
@testable import AnnotationStore

/// The store's content hash against published SHA-256 vectors (FIPS 180-2 appendix B) and
/// against Python's `hashlib.sha256` on lengths around the 64-byte block and the padding
/// boundary (55/56 bytes, where the length no longer fits the last block).
@Suite("SHA-256 content hash")
struct SHA256Tests {
    @Test("FIPS 180-2 example messages")
    func publishedVectors() {
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex(String(repeating: "a", count: 1_000_000))
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("block and padding boundaries, every input shape", arguments: [
        (0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        (3, "6ab0dba1f4f1dfbb37b4f9eeb092c09fca4900ad32bdcd147d8dde35d6c87c35"),
        (55, "1deace58c745f3ecadde68a5923f494c3703fa73f0306483ccb898a5826e8d70"),
        (56, "06dbe23685750e4d3881ded95047abaf93fa8f9c5d3501dc57c717a72ff1398e"),
        (63, "47fb38b12335c9298d09280515c0666489a189d1554bb0ac1a0740806ce9d8b6"),
        (64, "dfa798724b1a8014994f363e5da7474ed26ce3757fb29e07aa47ad5a9352d37b"),
        (65, "dd2eab5a5507d7717c63ce953d9ac61752c21e664425ad1227054722a0d97f69"),
        (119, "c6e0f435df5d7d265baacca31e0602c00aa22fa6d3819aed664649294c743756"),
        (120, "17eb8960823a644bde3065620bb9d45931fe8993fd8eb692a17aff0fd725db6a"),
        (128, "3a9c1e22e20578eebe442238f431befd688bd56698eb7c77d95d3f97d8f58207"),
    ])
    func boundaries(length: Int, expected: String) {
        // bytes (i*7+3) mod 251, as in: hashlib.sha256(bytes((i*7+3)%251 for i in range(n)))
        let bytes = (0..<length).map { UInt8(($0 * 7 + 3) % 251) }
        #expect(SHA256.hex(bytes) == expected)
        #expect(SHA256.hex(bytes[...]) == expected)
        #expect(SHA256.hex(bytes.lazy.map { $0 }) == expected)  // not contiguous: copied first
    }

    @Test("the CPU's SHA instructions and the portable code agree on every length up to 300 and on 1 MB")
    func hardwareEqualsPortable() {
        var generator = SeededGenerator(seed: 256)
        let bytes = (0..<(1 << 20)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes.withUnsafeBytes { buffer in
            for length in Array(0...300) + [4096, 65_537, buffer.count] {
                let slice = UnsafeRawBufferPointer(rebasing: buffer[0..<length])
                #expect(SHA256.hex(slice, hardware: false) == SHA256.hex(slice), "length \(length)")
                if SHA256.hardware {
                    #expect(SHA256.hex(slice, hardware: true) == SHA256.hex(slice, hardware: false), "length \(length)")
                }
            }
        }
    }

    @Test("non-ASCII text hashes its UTF-8")
    func unicode() {
        let text = "caf\u{E9} \u{2019} \u{1F600}"
        #expect(SHA256.hex(text) == "25c9dc1075a58758a27659cb5b1fcb974e0fa852f0cc9ae7041ad4577c3804b5")
        #expect(SHA256.hex(text) == SHA256.hex(Array(text.utf8)))
    }
}
