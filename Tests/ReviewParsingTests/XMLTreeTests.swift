import Foundation
import ReviewModel
import Testing
import TestSupport

@testable import ReviewParsing

/// XML is read through libxml2's SAX2 interface into ``XMLTreeBuilder``'s arena instead of
/// libxml2's own tree; the readers depend on getting exactly the tree libxml2 would build.
/// These tests build both trees for the same input and compare them node by node (text node
/// lines included), strictly and with recovery.
@Suite struct XMLTreeTests {
    /// Whether the arena built the tree (false when it handed the document to libxml2's tree,
    /// which `allowHandOver` permits).
    @discardableResult
    static func expectSameTree(
        _ source: String, _ name: String, allowHandOver: Bool = false, sourceLocation: SourceLocation = #_sourceLocation
    ) -> Bool {
        let bytes = Array(source.utf8)
        var built = true
        for recover in [false, true] {
            let ours = LibXML.xmlTreeOutline(bytes, libxml2Tree: false, recover: recover)
            let libxml2 = LibXML.xmlTreeOutline(bytes, libxml2Tree: true, recover: recover)
            if ours.hasPrefix("unsupported") {
                #expect(allowHandOver, "\(name): handed to libxml2's tree: \(ours)", sourceLocation: sourceLocation)
                built = false
                continue
            }
            let difference = zip(ours.split(separator: "\n"), libxml2.split(separator: "\n")).first { $0 != $1 }
            #expect(
                ours == libxml2, "\(name) (recover \(recover)): the arena tree differs from libxml2's first at \(String(describing: difference))",
                sourceLocation: sourceLocation)
        }
        return built
    }

    static let tricky: [(String, String)] = [
        ("plain", "<?xml version=\"1.0\"?>\n<r>\n  <p a=\"1\" b='two'>Text <b>bold</b> tail</p>\n  <p/>\n</r>\n"),
        ("references", "<r><p>a &amp; b &lt; c &#8217; d &#x1F600; e &gt;&quot;&apos;</p><p>&#38;&#60;x</p></r>"),
        ("cdata", "<r><p>one <![CDATA[<two> & ]]><![CDATA[three]]> four</p><p><![CDATA[]]></p></r>"),
        ("comments and PIs", "<!-- before --><?pi one?><r><p>A<!-- c -->B<?pi x?>C</p></r><!-- after --><?pi two?>"),
        (
            "namespaces",
            "<r xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:o=\"urn:x\"><o:p o:a=\"v\" xml:lang=\"en\">t</o:p>"
                + "<q xmlns=\"\">no ns</q><s xmlns:o=\"urn:y\"><o:t/></s></r>"
        ),
        (
            "xhtml with doctype and undeclared entities",
            "<?xml version=\"1.0\"?>\n<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd\">\n"
                + "<html xmlns=\"http://www.w3.org/1999/xhtml\"><head><title>T</title></head><body><p>It&rsquo;s &nbsp; x&hellip;</p>"
                + "<p>&rsquo;</p></body></html>"
        ),
        ("whitespace", "<r>\n\t<a>  </a>\r\n<b>\n</b> <c/>\n</r>\n"),
        ("attribute whitespace", "<r a=\"x\ty\nz\" b=\"\" c=' '/>"),
        ("long text", "<r><p>" + String(repeating: "Sentence one is here. ", count: 2000) + "</p></r>"),
        ("lines", "<r>\n<p>one\ntwo</p>\n\n<p>\nthree</p><!--\n-->\n<p>four</p></r>"),
        ("unbalanced", "<r><p>one<b>two</p><p>three</r>"),
        ("text outside root", "text <r><p>x</p></r> tail"),
        ("no root", "<?xml version=\"1.0\"?><!-- only -->"),
        ("second root", "<r>a</r><s>b</s>"),
        ("bad character reference", "<r><p>a &#0; b &#xD800; c</p></r>"),
        ("pdftohtml", """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE pdf2xml SYSTEM "pdf2xml.dtd">
            <pdf2xml producer="poppler" version="22.02.0">
            <page number="1" position="absolute" top="0" left="0" height="1263" width="892">
            \t<fontspec id="0" size="16" family="Times" color="#000000"/>
            <text top="101" left="108" width="380" height="17" font="0"><b>1. Introduction</b></text>
            <text top="130" left="108" width="600" height="17" font="0">The review &amp; its <i>terms</i> of refer-</text>
            </page>
            </pdf2xml>
            """),
    ]

    @Test func trickyInputsGiveLibxml2sTree() {
        for (name, source) in Self.tricky { Self.expectSameTree(source, name) }
    }

    /// Up to libxml2's depth limit the trees agree; past it both refuse the document.
    @Test func deepNestingGivesLibxml2sTree() {
        for depth in [200, 255, 256, 257, 300] {
            Self.expectSameTree(String(repeating: "<d>", count: depth) + "deep" + String(repeating: "</d>", count: depth), "depth \(depth)")
        }
    }

    /// What the builder does not reproduce goes to libxml2's tree: declarations in the DTD,
    /// references in attribute values, undeclared prefixes.
    @Test func declarationsAndAttributeReferencesAreHandedToLibxml2() {
        let cases = [
            "<!DOCTYPE r [<!ENTITY org \"Council\">]><r><p>By &org;.</p></r>",
            "<!DOCTYPE r [<!ATTLIST p kind CDATA \"x\">]><r><p>t</p></r>",
            "<!DOCTYPE r [<!ELEMENT r ANY>]><r/>",
            "<r><p title=\"a &amp; b\">t</p></r>",
            "<r><x:p>t</x:p></r>",
        ]
        for source in cases {
            let outline = LibXML.xmlTreeOutline(Array(source.utf8), libxml2Tree: false, recover: true)
            #expect(outline.hasPrefix("unsupported"), "\(source): \(outline)")
        }
    }

    /// Random well-formed and broken documents (seeded): nesting, attributes, references,
    /// CDATA, comments, PIs, namespaces, stray and missing end tags.
    @Test func randomDocumentsGiveLibxml2sTree() {
        var generator = SeededGenerator(seed: 20_261_126)
        let names = ["p", "div", "b", "text", "page", "o:p", "title", "para", "x"]
        let attributes = ["", " a=\"1\"", " top=\"12.5\" left='3'", " class=\"c d\"", " xml:lang=\"en\"", " o:k=\"v\"", " e=\"\""]
        let texts = [
            "Hello world. ", "  ", "\n", "The café’s owner. ", "x", "&amp;", "&#8217;", "&lt;b&gt;", "é😀 ", "<!-- c -->", "<?pi x?>",
            "<![CDATA[raw <x> & ]]>", "&rsquo;", ">", "\r\n",
        ]
        for round in 0..<150 {
            var source = "<?xml version=\"1.0\"?>\n"
            if Bool.random(using: &generator) { source += "<!DOCTYPE r PUBLIC \"-//X//EN\" \"x.dtd\">\n" }
            source += "<r xmlns:o=\"urn:o\">"
            var stack: [String] = []
            for _ in 0..<Int.random(in: 5...120, using: &generator) {
                switch Int.random(in: 0..<10, using: &generator) {
                case 0..<3:
                    let name = names.randomElement(using: &generator)!
                    source += "<\(name)\(attributes.randomElement(using: &generator)!)>"
                    stack.append(name)
                case 3..<5:
                    if let name = stack.popLast() { source += "</\(name)>" }
                case 5:
                    source += Int.random(in: 0..<8, using: &generator) == 0 ? "</b>" : "<br/>"
                default:
                    source += texts.randomElement(using: &generator)!
                }
            }
            while let name = stack.popLast(), Int.random(in: 0..<6, using: &generator) > 0 { source += "</\(name)>" }
            source += "</r>"
            Self.expectSameTree(source, "round \(round)")
        }
    }

    /// The bundled corpus's XML and XHTML documents and generated pdftohtml XML and XHTML.
    @Test func corpusDocumentsGiveLibxml2sTree() throws {
        let corpus = repositoryRoot.appendingPathComponent("corpus")
        let names = try FileManager.default.contentsOfDirectory(atPath: corpus.path).filter {
            $0.hasSuffix(".xml") || $0.hasSuffix(".xhtml")
        }
        #expect(names.count >= 5)
        var built = 0
        for name in names.sorted() {
            let bytes = try [UInt8](Data(contentsOf: corpus.appendingPathComponent(name)))
            if Self.expectSameTree(String(decoding: bytes, as: UTF8.self), name, allowHandOver: true) { built += 1 }
        }
        #expect(built >= names.count - 2, "most corpus documents are built in the arena")
    }

    @Test(.enabled(if: GeneratedCorpusTests.python != nil, "needs python3"))
    func generatedDocumentsGiveLibxml2sTree() throws {
        let directory = temporaryPath("generated-xml")
        try GeneratedCorpusTests.generate(into: directory, seed: 11)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter {
            $0.hasSuffix(".xml") || $0.hasSuffix(".xhtml")
        }
        #expect(names.count >= 3)
        for name in names.sorted() {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: directory).appendingPathComponent(name)))
            Self.expectSameTree(String(decoding: bytes, as: UTF8.self), name)
        }
    }
}

/// The SAX path keeps the reader's security settings: no external entity or DTD is read, an
/// expansion bomb and a depth bomb are refused, whichever tree libxml2's events go to.
@Suite struct HostileXMLSAXTests {
    @Test func externalEntityInTextAndAttributeIsNeverRead() throws {
        let secretPath = temporaryPath("sax-secret.txt")
        try "SAX-SECRET-MARKER".write(toFile: secretPath, atomically: true, encoding: .utf8)
        for body in ["<r><p>Before &leak; after</p></r>", "<r><p title=\"&leak;\">Before</p></r>"] {
            let xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY leak SYSTEM \"file://\(secretPath)\">]>\n\(body)"
            for options in [ParseOptions(), ParseOptions(lenient: true)] {
                if let document = try? parse(xml, name: "xxe.xml", options: options) {
                    #expect(!document.text.contains("SAX-SECRET"))
                    #expect(document.text.contains("Before"))
                }
            }
            // Without a DTD of its own, an undeclared entity is an error, never a file read.
            let undeclared = "<?xml version=\"1.0\"?>\n<!DOCTYPE r SYSTEM \"file://\(secretPath)\">\n\(body)"
            if let document = try? parse(undeclared, name: "xxe.xml", options: ParseOptions(lenient: true)) {
                #expect(!document.text.contains("SAX-SECRET"))
            }
        }
    }

    @Test func billionLaughsIsRefused() throws {
        var declarations = "<!ENTITY a \"aaaaaaaaaa\">"
        for (name, previous) in zip(["b", "c", "d", "e", "f", "g"], ["a", "b", "c", "d", "e", "f"]) {
            declarations += "<!ENTITY \(name) \"" + String(repeating: "&\(previous);", count: 10) + "\">"
        }
        let xml = "<?xml version=\"1.0\"?><!DOCTYPE r [\(declarations)]><r><p t=\"&g;\">" + String(repeating: "&g;", count: 50) + "</p></r>"
        let started = Date()
        for options in [ParseOptions(), ParseOptions(lenient: true)] {
            #expect {
                try parse(xml, name: "laughs.xml", options: options)
            } throws: { error in
                guard let error = error as? ParseError, case .hostile(let name, _, _) = error else { return false }
                return name == "laughs.xml"
            }
        }
        #expect(Date().timeIntervalSince(started) < 5)
    }

    @Test func depthBombIsRefused() throws {
        let xml = "<?xml version=\"1.0\"?>" + String(repeating: "<d>", count: 100_000) + "x" + String(repeating: "</d>", count: 100_000)
        for options in [ParseOptions(), ParseOptions(lenient: true)] {
            #expect {
                try parse(xml, name: "deep.xml", options: options)
            } throws: { error in
                guard let error = error as? ParseError, case .tooDeep(let name, _, _) = error else { return false }
                return name == "deep.xml"
            }
        }
        // Within libxml2's limit but past the reader's: refused with the line of the element.
        let shallow = "<r>\n" + String(repeating: "<d>", count: 12) + "\ntext" + String(repeating: "</d>", count: 12) + "</r>"
        #expect {
            try parse(shallow, name: "shallow.xml", options: ParseOptions(maxDepth: 8))
        } throws: { error in
            guard let error = error as? ParseError, case .tooDeep(let name, _, let limit) = error else { return false }
            return name == "shallow.xml" && limit == 8
        }
    }
}
