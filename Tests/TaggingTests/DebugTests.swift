import Testing
import ReviewModel
@testable import Tagging
@Suite struct DebugTests {
    @Test func debug() throws {
        for f in CodebookLint.lint(try Codebook.loadDefault()) { print(f) }
    }
}
