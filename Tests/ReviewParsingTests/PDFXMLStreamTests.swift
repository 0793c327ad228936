import Foundation
import ReviewModel
import Testing
import TestSupport

@testable import ReviewParsing

/// pdftohtml's XML is read as ``XMLDirectReader`` reads the source (``PDFXMLStream``), without
/// the tree the reader used to walk. Whatever the stream reads must give exactly the document
/// the walk of the direct reader's tree gives (``ShortcutTests`` hold both to libxml2's tree);
/// whatever the direct reader declines, the stream declines too.
@Suite struct PDFXMLStreamTests {
    /// The document the stream reads from `source`, or nil when it declines it.
    static func streamed(_ source: [UInt8], name: String) -> ReviewDocument? {
        let stream = PDFXMLStream(reader: reader(source, name: name), sourceBytes: source.count)
        guard XMLDirectReader.read(source, into: stream, depthLimit: 248) else { return nil }
        return stream.finish()
    }

    /// The document the reader's walk of the direct reader's tree gives, or nil when the direct
    /// reader declines `source`.
    static func walked(_ source: [UInt8], name: String) throws -> ReviewDocument? {
        guard LibXML.directXMLTreeOutline(source) != nil else { return nil }
        return try LibXML.withXMLDocument(source, name: name, recover: true, directDepthLimit: 248) { (root) throws(ParseError) in
            var reader = reader(source, name: name)
            return try reader.read(root: root)
        }
    }

    private static func reader(_ source: [UInt8], name: String) -> PDFXMLReader {
        PDFXMLReader(writer: BlockWriter(name: name, format: .pdfXML, source: source, syntax: .xml), maxDepth: 256, name: name)
    }

    /// Reads `source` both ways; whether the stream read it.
    @discardableResult
    static func expectSame(_ source: [UInt8], _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Bool {
        let walk = try walked(source, name: name)
        let stream = streamed(source, name: name)
        #expect((walk == nil) == (stream == nil), "\(name): read by one way only", sourceLocation: sourceLocation)
        guard let walk, let stream else { return false }
        ShortcutTests.expectSame(stream, walk, name, sourceLocation: sourceLocation)
        return true
    }

    static func pdf(_ body: String, head: String = "") -> [UInt8] {
        Array(
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE pdf2xml SYSTEM "pdf2xml.dtd">

            <pdf2xml producer="poppler" version="22.12.0">\(head)
            <page number="1" position="absolute" top="0" left="0" height="1262" width="892">
            \t<fontspec id="0" size="11" family="Helvetica" color="#000000"/>
            \t<fontspec id="1" size="16" family="Times" color="#000000"/>
            \(body)
            </page>
            </pdf2xml>

            """.utf8)
    }

    /// Lines that take every branch of the walk: references joining text, CDATA, comments
    /// and processing instructions between text, bold and italic nesting, text of the page and
    /// of elements the reader does not read, fonts declared late, names in other cases,
    /// repeated and missing attributes, prefixed elements.
    static let cases: [(String, [UInt8])] = [
        ("plain", pdf(#"<text top="54" left="99" width="400" height="12" font="0">Plain line.</text>"#)),
        (
            "references",
            pdf(
                #"<text top="54" left="99" width="400" height="16" font="1">It&#x27;s &amp; &lt;b&gt; &quot;q&quot;</text>"#
                    + "\n" + #"<text top="74" left="99" width="400" height="16" font="1">&#x27;lead and trail&#39;</text>"#)
        ),
        ("cdata", pdf(#"<text top="54" left="99" width="400" height="16" font="1">a<![CDATA[ <b>x</b> ]]>b<![CDATA[y]]><![CDATA[z]]></text>"#)),
        ("comments", pdf(#"<text top="54" left="99" width="400" height="16" font="1">a<!-- c -->b<?pi x?>c&amp;<!---->d</text>"#)),
        (
            "bold and italic",
            pdf(
                #"<text top="54" left="99" width="400" height="16" font="1"><b>Bold <i>both</i></b> <i>it <B>b</B></i></text>"#
                    + "\n" + #"<text top="80" left="99" width="120" height="16" font="1"><b>Heading</b></text>"#)
        ),
        (
            "page text and other elements",
            pdf(
                "page text\n<image top=\"1\" src=\"x.png\">caption &amp; more</image>\n"
                    + #"<text top="54" left="99" width="400" height="16" font="1">line</text>"#
                    + "\n<outline><item page=\"1\">Item one</item></outline>\n<fontspec id=\"2\" size=\"30\">ignored text</fontspec>\n"
                    + #"<text top="90" left="99" width="400" height="30" font="2">Large title</text>"#,
                head: "\n<outline><item page=\"1\">Contents</item></outline>\nroot text\n<fontspec id=\"3\" size=\"9\"/>")
        ),
        (
            "names and attributes",
            pdf(
                #"<TEXT TOP="54" left="99" Width="400" height="16" FONT="1" top="999">Upper case</TEXT>"#
                    + "\n" + #"<text top=" 72 " left="99.5" width="-3" height="" font="x">odd numbers</text>"#
                    + "\n" + #"<text left="99" width="400">no top, height or font</text>"#
                    + "\n" + #"<p:text xmlns:p="urn:p" top="108" left="99" width="400" height="16" font="1">prefixed</p:text>"#
                    + "\n" + #"<text top="126" left="99" width="400" height="16" font="1"/>"#
                    + "\n" + #"<text top="144" left="99" width="400" height="16" font="1">   </text>"#)
        ),
        (
            "pages",
            Array(
                """
                <?xml version="1.0" encoding="UTF-8"?>
                <pdf2xml>
                <page number="7" height="1000"><fontspec id="0" size="12"/>
                <text top="10" left="99" width="400" height="12" font="0">Running header</text>
                <text top="500" left="99" width="400" height="12" font="0">Body on seven, a sentence that runs on</text>
                <text top="990" left="99" width="40" height="12" font="0">7</text></page>
                <page><text top="10" left="99" width="400" height="12" font="0">Running header</text>
                <text top="500" left="99" width="400" height="12" font="0">to the page without a number.</text>
                <text top="990" left="99" width="40" height="12" font="0">8</text></page>
                <page number="x" height="1000"><text top="10" left="99" width="400" height="12" font="0">Running header</text></page>
                </pdf2xml>
                """.utf8)
        ),
    ]

    @Test(arguments: cases.map(\.0))
    func handMadeCasesAreTheSame(name: String) throws {
        let source = try #require(Self.cases.first { $0.0 == name }?.1)
        #expect(try Self.expectSame(source, name), "\(name): declined")
    }

    /// What the direct reader declines (an entity, a line break in an attribute, a second
    /// root) the stream declines.
    @Test func declinedDocumentsAreDeclined() throws {
        for source in [
            Self.pdf(#"<text top="54" left="99" width="400" height="12" font="0">&nbsp;x</text>"#),
            Self.pdf("<text top=\"54\"\nleft=\"9\" font=\"0\">a</text>").map { $0 == 0x0A ? 0x0D : $0 },
            Self.pdf(#"<text top="54" left="99" width="400" height="12" font="0">unclosed"#),
        ] {
            #expect(Self.streamed(source, name: "declined.xml") == nil)
            #expect(try !Self.expectSame(source, "declined.xml"))
        }
    }

    /// Every pdftohtml document of corpus/ and of the generated corpus.
    @Test func corpusDocumentsAreTheSame() throws {
        let directory = repositoryRoot.appendingPathComponent("corpus").path
        var streamed = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: directory).sorted() where name.hasSuffix(".xml") {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: directory + "/" + name)))
            guard DocumentReader.format(forName: name, bytes: bytes) == .pdfXML else { continue }
            let decoded = try SourceDecoder.decode(bytes, format: .pdfXML, name: name, lenient: false).bytes
            if try Self.expectSame(decoded, name) { streamed += 1 }
        }
        #expect(streamed >= 5)
    }
}
