import Testing

@testable import JSON

@Suite struct JSONWriterTests {
    @Test func writesCommasAndEscapes() throws {
        var writer = JSONWriter()
        writer.beginObject()
        writer.member("name", "Quote \" back\\slash\n tab\t ctl\u{01} é")
        writer.key("list")
        writer.beginArray()
        writer.int(1)
        writer.int(-20)
        writer.bool(false)
        writer.null()
        writer.endArray()
        writer.member("absent", nil as String?)
        writer.endObject()
        let text = String(decoding: writer.bytes, as: UTF8.self)
        #expect(text == #"{"name":"Quote \" back\\slash\n tab\t ctl\u0001 é","list":[1,-20,false,null]}"#)
        #expect(try JSONParser.parse(writer.bytes)["name"] == .string("Quote \" back\\slash\n tab\t ctl\u{01} é"))
    }

    @Test func roundTripsAValueTree() throws {
        let text = #"{"a":[1.50,{"b":null}],"c":"x"}"#
        var writer = JSONWriter()
        writer.value(try JSONParser.parse(Array(text.utf8)))
        #expect(String(decoding: writer.bytes, as: UTF8.self) == text)
    }
}
