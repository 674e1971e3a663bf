import Testing

@testable import JSON

@Suite struct JSONRecordStreamTests {
    private func records(_ text: String) throws -> (records: [JSONValue], stream: JSONRecordStream) {
        var stream = JSONRecordStream(parser: JSONParser(bytes: Array(text.utf8)))
        var records: [JSONValue] = []
        while let record = try stream.next() { records.append(record) }
        return (records, stream)
    }

    @Test func readsAnEnvelopeWithDataInAnyPosition() throws {
        let (records, stream) = try records(#"{"status_code":1000,"data":[{"id":"1"},{"id":"2"}],"timestamp":"t"}"#)
        #expect(records.count == 2)
        #expect(stream.shape == .envelopeArray)
        #expect(stream.envelopeMembers.map(\.key) == ["status_code", "timestamp"])
    }

    @Test func readsABareArrayAndASingleObject() throws {
        #expect(try records(#" [ {"id":"1"} , {"id":"2"} ] "#).records.count == 2)
        let single = try records(#"{"id":"1","name":"x"}"#)
        #expect(
            single.records == [
                .object(
                    JSONObject([
                        JSONMember(key: "id", value: .string("1")), JSONMember(key: "name", value: .string("x")),
                    ]))
            ])
        #expect(single.stream.shape == .object)
    }

    @Test func skipsAByteOrderMark() throws {
        let (records, stream) = try records("\u{FEFF}[{\"id\":\"1\"}]")
        #expect(records.count == 1)
        #expect(stream.hadByteOrderMark)
    }

    @Test func failsOnATruncatedArrayAfterYieldingWholeRecords() throws {
        var stream = JSONRecordStream(parser: JSONParser(bytes: Array(#"[{"id":"1"},{"id":"#.utf8)))
        #expect(try stream.next() != nil)
        #expect(throws: JSONSyntaxError.self) { _ = try stream.next() }
    }

    @Test func streamsAFileInSmallChunks() throws {
        let path = "/tmp/json-stream-\(UInt64.random(in: 0...UInt64.max)).json"
        let text =
            "["
            + (0..<500).map { #"{"id":"\#($0)","s":"\#(String(repeating: "é", count: $0 % 40))"}"# }
            .joined(separator: ",\n") + "]"
        Array(text.utf8).withUnsafeBytes { raw in
            let file = fopen(path, "w")!
            fwrite(raw.baseAddress, 1, raw.count, file)
            fclose(file)
        }
        defer { remove(path) }
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        var stream = JSONRecordStream(parser: JSONParser(fileDescriptor: fd, chunkSize: 7))
        var count = 0
        while let record = try stream.next() {
            #expect(record["id"] == .string(String(count)))
            count += 1
        }
        #expect(count == 500)
    }
}

#if canImport(Glibc)
    import Glibc
#endif
