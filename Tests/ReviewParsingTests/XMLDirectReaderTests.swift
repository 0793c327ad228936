import Foundation
import ReviewModel
import Testing
import TestSupport

@testable import ReviewParsing

/// ``XMLDirectReader`` reads XML of a plain subset without libxml2. Whatever it accepts,
/// libxml2 must find well-formed and build the same tree of (the readers read the tree, not
/// the events); whatever else it declines, and libxml2 reads it as before. These tests hold it
/// to libxml2 on hand-made cases, on every XML document of the corpus and on random mutations.
@Suite struct XMLDirectReaderTests {
    /// Whether the direct reader read `source`; when it did, its tree must be libxml2's (text
    /// lines aside) and libxml2 must have found no error, strictly or with recovery.
    @discardableResult
    static func expectLibxml2sTree(_ bytes: [UInt8], _ name: String, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        guard let direct = LibXML.directXMLTreeOutline(bytes) else { return false }
        for recover in [false, true] {
            let libxml2 = LibXML.xmlTreeOutline(bytes, libxml2Tree: true, recover: recover, textLines: false)
            let difference = zip(direct.split(separator: "\n"), libxml2.split(separator: "\n")).first { $0 != $1 }
            #expect(
                direct == libxml2,
                "\(name) (recover \(recover)): the direct tree differs from libxml2's first at \(String(describing: difference))",
                sourceLocation: sourceLocation)
        }
        return true
    }

    /// Documents in the subset, read without libxml2: ``XMLTreeTests``' plain ones and more.
    static let accepted: [(String, String)] =
        XMLTreeTests.tricky.filter {
            ["plain", "references", "cdata", "comments and PIs", "namespaces", "long text", "lines", "pdftohtml"].contains($0.0)
        } + [
            ("more references", "<r><p>&#38;&#60;x</p><p>&#xD;&#9;</p><p>x&gt;y</p></r>"),
            ("more namespaces", "<r xmlns:o=\"urn:x\"><o:u/><s xmlns:o=\"urn:y\" o:a='1'/><o:t xml:lang='en'/></r>"),
            ("empty comment", "<r><!----></r>"),
            (
                "xhtml doctype",
                "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone='yes'?>\n<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" "
                    + "\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd\">\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\" xml:lang=\"en\">"
                    + "<head><title>T</title></head><body><p>It’s x…</p></body></html>"
            ),
            ("html5 doctype", "<!DOCTYPE html>\n<html><body><p>x</p></body></html>"),
            ("whitespace without carriage returns", "<r>\n\t<a>  </a>\n<b>\n</b> <c/>\n</r>\n"),
            ("non-ASCII text", "<r><p>" + String(repeating: "Sentence – and ‘there’. ", count: 500) + "</p></r>"),
            ("lines in tags", "<r>\n<p\n a='1'\n>\nthree</p><e\n/></r>"),
            ("brackets", "<r>a ] b ]] c ]>d</r>"),
            ("spaced tags", "<r ><p a = \"1\"  b='2' >x</p ><q/></r >"),
        ]

    /// Documents outside the subset (errors, or constructs libxml2 treats its own way).
    static let declined: [(String, String)] =
        XMLTreeTests.tricky.filter {
            [
                "whitespace", "attribute whitespace", "unbalanced", "text outside root", "no root", "second root", "bad character reference",
                "xhtml with doctype and undeclared entities",
            ].contains($0.0)
        } + [
            ("attribute line break", "<r a=\"x\ny\"/>"),
            ("attribute tab", "<r a=\"x\ty\"/>"),
            ("attribute reference", "<r a=\"x&amp;y\"/>"),
            ("attribute without value", "<r a/>"),
            ("attributes unspaced", "<r a='1'b='2'/>"),
            ("duplicate attribute", "<r a='1' a='2'/>"),
            ("duplicate through prefixes", "<r xmlns:p='urn:a' xmlns:q='urn:a'><s p:x='1' q:x='2'/></r>"),
            ("undeclared prefix", "<p:r/>"),
            ("undeclared attribute prefix", "<r p:a='1'/>"),
            ("empty prefix declaration", "<r xmlns:p=''/>"),
            ("xml prefix declared", "<r xmlns:xml='http://www.w3.org/XML/1998/namespace'/>"),
            ("entity", "<r>&nbsp;</r>"),
            ("surrogate reference", "<r>&#xD800;</r>"),
            ("unterminated reference", "<r>a &amp b</r>"),
            ("control character", "<r>a\u{1}b</r>"),
            ("noncharacter", "<r>a\u{FFFE}b</r>"),
            ("cdata end in text", "<r>a ]]> b</r>"),
            ("double hyphen in comment", "<r><!-- a -- b --></r>"),
            ("comment ending in a hyphen", "<r><!-- a ---></r>"),
            ("xml PI", "<r><?xml x?></r>"),
            ("late declaration", " <?xml version=\"1.0\"?><r/>"),
            ("version 1.1", "<?xml version=\"1.1\"?><r/>"),
            ("internal subset", "<!DOCTYPE r [<!ENTITY a 'b'>]><r>&a;</r>"),
            ("public without system", "<!DOCTYPE r PUBLIC \"x\"><r/>"),
            ("unclosed", "<r><p>one</p>"),
            ("non-ASCII name", "<r><café/></r>"),
            ("colon name", "<r><a:b:c/></r>"),
        ]

    @Test func acceptedInputsGiveLibxml2sTree() {
        for (name, source) in Self.accepted {
            #expect(Self.expectLibxml2sTree(Array(source.utf8), name), "\(name): declined")
        }
    }

    @Test func declinedInputsAreLeftToLibxml2() {
        for (name, source) in Self.declined {
            #expect(LibXML.directXMLTreeOutline(Array(source.utf8)) == nil, "\(name): read directly")
        }
    }

    /// The same inputs with a long comment after them, so that their names and attribute
    /// values are read sixteen bytes at a time, not byte by byte as at the source's end.
    @Test func paddedInputsAreReadAlike() {
        let padding = "\n<!--" + String(repeating: " ", count: 40) + "-->\n"
        for (name, source) in Self.accepted {
            #expect(Self.expectLibxml2sTree(Array((source + padding).utf8), name + " padded"), "\(name) padded: declined")
        }
        for (name, source) in Self.declined {
            #expect(LibXML.directXMLTreeOutline(Array((source + padding).utf8)) == nil, "\(name) padded: read directly")
        }
    }

    /// Up to the limit the direct reader builds libxml2's tree; past it, it declines.
    @Test func depthLimit() {
        let nested = { (depth: Int) in Array((String(repeating: "<a>", count: depth) + "x" + String(repeating: "</a>", count: depth)).utf8) }
        #expect(LibXML.directXMLTreeOutline(nested(10), depthLimit: 10) != nil)
        #expect(LibXML.directXMLTreeOutline(nested(11), depthLimit: 10) == nil)
        #expect(Self.expectLibxml2sTree(nested(200), "depth 200"))
    }

    /// Every XML document of corpus/ (not its holdout): the pdftohtml and XHTML ones are read
    /// directly, all with libxml2's tree.
    @Test func corpusDocuments() throws {
        let directory = repositoryRoot.appendingPathComponent("corpus").path
        var direct = 0
        var total = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: directory).sorted() {
            guard ["xhtml", "xml"].contains((name as NSString).pathExtension) else { continue }
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: directory + "/" + name)))
            total += 1
            if Self.expectLibxml2sTree(bytes, name) { direct += 1 }
        }
        #expect(total >= 10)
        #expect(direct * 4 >= total * 3, "only \(direct) of \(total) read directly")
    }

    /// Random edits of a document using every construct of the subset: what the direct reader
    /// accepts, libxml2 reads without error into the same tree.
    @Test func randomEditsGiveLibxml2sTreeOrAreDeclined() {
        let document = Array(("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE r SYSTEM \"r.dtd\">\n<!-- c -->\n"
            + "<r xmlns=\"urn:d\" xmlns:o=\"urn:o\" a=\"1\">\n<p o:b='2' xml:lang=\"en\">Text &amp; more ‘quoted’ &#x2019;<b>bold</b></p>\n"
            + "<o:q><![CDATA[x < y]]><?pi data?></o:q><e/>\n<s xmlns=\"\">t]</s></r>\n").utf8)
        let pieces: [[UInt8]] = [
            "<", ">", "/", "&", ";", "#", "x", "=", "\"", "'", ":", "-", "!", "?", "[", "]", " ", "\n", "\t", "\r", "\u{1}", "a", "é",
            "</p>", "<p>", "&amp;", "&#", "]]>", "<!--", "-->", "xmlns", "o:", "xml:", "<![CDATA[", "\u{FFFF}",
        ].map { Array($0.utf8) }
        var generator = SeededGenerator(seed: 0x5EED_0F_D12EC7)
        var accepted = 0
        for round in 0..<3000 {
            var mutated = document
            for _ in 0..<(1 + round % 3) {
                let position = Int.random(in: 0...mutated.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0:
                    mutated.insert(contentsOf: pieces.randomElement(using: &generator)!, at: position)
                case 1:
                    if position < mutated.count { mutated.remove(at: position) }
                default:
                    let end = min(mutated.count, position + Int.random(in: 1...4, using: &generator))
                    mutated.replaceSubrange(position..<end, with: pieces.randomElement(using: &generator)!)
                }
            }
            guard String(validating: mutated, as: UTF8.self) != nil else { continue }
            if Self.expectLibxml2sTree(mutated, "mutation \(round): \(String(decoding: mutated, as: UTF8.self))") { accepted += 1 }
        }
        #expect(accepted > 300, "only \(accepted) mutations read directly")
    }
}
