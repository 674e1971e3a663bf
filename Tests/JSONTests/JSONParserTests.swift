import Testing

@testable import JSON

@Suite struct JSONParserTests {
    @Test func parsesAllValueKinds() throws {
        let value = try JSONParser.parse(
            Array(#"{"a":[1,-2.5e3,true,false,null,"x\"\u00e9\ud83d\ude00"],"b":{}}"#.utf8))
        #expect(
            value["a"]
                == .array([
                    .number(JSONNumber(text: "1")), .number(JSONNumber(text: "-2.5e3")), .bool(true), .bool(false),
                    .null,
                    .string("x\"é😀"),
                ]))
        #expect(value["b"] == .object(JSONObject()))
    }

    @Test func keepsNumberTextAndMemberOrder() throws {
        let value = try JSONParser.parse(Array(#"{"z":50.123450,"a":1}"#.utf8))
        guard case .object(let object) = value else { Issue.record("not an object"); return }
        #expect(object.keys == ["z", "a"])
        #expect(object["z"] == .number(JSONNumber(text: "50.123450")))
    }

    @Test(arguments: [
        (#"{"a":1"#, "unexpected end of input, expected ',' or '}'", 1, 7),
        ("[1,\n 2,\n 3 x]", "expected ',' or ']', found 'x'", 3, 4),
        (#"{"a":01}"#, "invalid number: leading zero", 1, 6),
        (#"["\q"]"#, "invalid escape \\'q' in a string", 1, 4),
        ("[\"a\nb\"]", "unescaped control character byte 0xA in a string", 1, 4),
        ("[tru]", "invalid literal, expected 'true'", 1, 2),
        ("[1] [2]", "unexpected '[' after the end of the JSON value", 1, 5),
    ])
    func reportsWhereSyntaxBreaks(input: String, message: String, line: Int, column: Int) {
        #expect {
            _ = try JSONParser.parse(Array(input.utf8))
        } throws: { error in
            guard let error = error as? JSONSyntaxError else { return false }
            return error.message == message && error.line == line && error.column == column
        }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: JSONSyntaxError.self) { _ = try JSONParser.parse([0x22, 0xC3, 0x28, 0x22]) }
    }

    @Test func rejectsExcessiveNesting() {
        let deep = String(repeating: "[", count: 300) + String(repeating: "]", count: 300)
        #expect(throws: JSONSyntaxError.self) { _ = try JSONParser.parse(Array(deep.utf8)) }
    }
}
