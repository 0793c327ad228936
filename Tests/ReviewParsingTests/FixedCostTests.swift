import Foundation
import ReviewModel
import Testing
import TestSupport

@testable import ReviewParsing

/// Per-document work done by bytes where it was done by `String`s: each byte path against the
/// `String` path it replaces, on hand-made and random inputs.
@Suite struct FixedCostTests {
    /// The extension of a name by bytes (printable ASCII) is the one the `String` code gives.
    @Test func extensionsByBytesAreTheStringOnes() {
        let fixed = [
            "a.html", "A.HTML", "dir/a.md", "dir.x/a", "a.html.", ".html", "a..", "...", "", "/", "a/", "a.b/", "x/y.Z/",
            "corpus/dhr-afv-01.html", "/work/wt/x/000004-other-ypv.TXT", "a.tar.gz", "no extension", "a.b.c/d.e.f",
            "café.html", "a.ht\u{301}ml", "K.\u{212A}ml", "a/\u{301}b.md",
        ]
        for name in fixed {
            #expect(DocumentReader.extensionOf(name) == DocumentReader.extensionOfString(name), "\(name)")
        }
        var generator = SeededGenerator(seed: 0xE47_E5_10)
        let pieces = ["a", "B", ".", "/", "html", "MD", " ", "-", "é", "\u{301}", "x", "..", "//"]
        for _ in 0..<2000 {
            let name = (0..<Int.random(in: 0...8, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            #expect(DocumentReader.extensionOf(name) == DocumentReader.extensionOfString(name), "\(name)")
        }
    }

    /// Dates read by bytes from printable ASCII texts are the ones the word loop finds.
    @Test func publicationDatesByBytes() {
        let fixed: [[String]] = [
            ["Published: 12 March 2021"], ["Staff may 2021 not"], ["It may be that, in May, 1999."], ["may 2021"],
            ["Final version, June 2019", "Date: 3 July 2020"], ["March 1980", "April 2100", "May 2099."], ["Mayor 2021"],
            ["in (May 2020)", "May: 2020)"], ["1 January 2020; version 2"], ["August +202", "August 0202"],
            ["12th, March 2021"], ["on 1st May 2020"], ["(31 May 2020)"], ["32 May 2020"], ["0 May 2020"], ["2021 May 2021"],
            ["x1y2 June 2019"], ["..March.. 2019"], ["Published 3 March 2021 and 4 April 2022"], ["Décembre 2020, 3 May 2021"],
        ]
        for texts in fixed {
            #expect(MetadataDetector.publicationDate(texts) == MetadataDetector.publicationDate(texts, byBytes: false), "\(texts)")
        }
        var generator = SeededGenerator(seed: 0xDA7E5)
        let words = [
            "may", "May", "MAY", "march", "March.", "June:", "july;", "2021", "2021.", "2021)", "1980", "1981", "2099", "2100", "12",
            "1st", "published", "Date", "final", "version", ",", " ", "the", "review", "(", "Décembre", "9", "31", "32", "+2021",
            "03", "0", "1.", "(7", "12th", "x1y", "..", ":", "April;", "MARCH", "2021;", "2021:", "20211", "021", "Mai",
        ]
        for _ in 0..<3000 {
            let texts = (0..<Int.random(in: 1...3, using: &generator)).map { _ in
                (0..<Int.random(in: 1...8, using: &generator)).map { _ in words.randomElement(using: &generator)! }
                    .joined(separator: Bool.random(using: &generator) ? " " : ", ")
            }
            #expect(MetadataDetector.publicationDate(texts) == MetadataDetector.publicationDate(texts, byBytes: false), "\(texts)")
        }
    }
}
