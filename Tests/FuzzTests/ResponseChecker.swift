import Foundation

/// Reads what a server sent on one connection as strict HTTP/1.1 (RFC 9112): each response a
/// status line, token-named fields with one framing (`Content-Length`, chunked, or the end of the
/// connection), a body exactly that long, JSON bodies that parse. Anything else is a finding.
struct ResponseChecker {
    struct Response {
        var status: Int
        var headers: [(name: String, value: String)]
        var body: [UInt8]

        func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name }?.value
        }
    }

    /// The responses, or why the bytes are not valid HTTP.
    static func responses(_ bytes: [UInt8], firstIsHead: Bool) -> Result<[Response], Invalid> {
        var responses: [Response] = []
        var index = 0
        while index < bytes.count {
            guard let headEnd = find([13, 10, 13, 10], in: bytes, from: index) else {
                return .failure(Invalid("a response head without its blank line", bytes[index...]))
            }
            let lines = String(decoding: bytes[index..<headEnd], as: UTF8.self).components(separatedBy: "\r\n")
            let statusLine = lines[0].split(separator: " ", maxSplits: 2)
            guard statusLine.count == 3, statusLine[0] == "HTTP/1.1", statusLine[1].count == 3,
                let status = Int(statusLine[1]), (100...599).contains(status)
            else { return .failure(Invalid("status line '\(lines[0])'", bytes[index...])) }
            var headers: [(String, String)] = []
            for line in lines.dropFirst() {
                guard let colon = line.firstIndex(of: ":"), colon > line.startIndex,
                    line[..<colon].allSatisfy({ $0.isLetter || $0.isNumber || "-_".contains($0) }),
                    !line.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\t" })
                else { return .failure(Invalid("field line '\(line)'", bytes[index...])) }
                headers.append(
                    (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
            }
            var response = Response(status: status, headers: headers, body: [])
            let lengths = headers.filter { $0.0.lowercased() == "content-length" }
            let chunked = response.header("transfer-encoding") == "chunked"
            guard lengths.count <= 1, !(chunked && !lengths.isEmpty) else {
                return .failure(Invalid("two framings", bytes[index...]))
            }
            var next = headEnd + 4
            // A HEAD response has no content; but a request whose line did not parse is not known to be
            // HEAD, so its refusal may carry a body to the end of the connection.
            let declared = lengths.first.flatMap { Int($0.1) }
            let refusalOfUnparsedHead =
                responses.isEmpty && firstIsHead && response.header("connection") == "close"
                && declared.map { headEnd + 4 + $0 == bytes.count && $0 > 0 } == true
            let bodyless =
                (responses.isEmpty && firstIsHead && !refusalOfUnparsedHead) || status == 204 || status == 304
            if bodyless {
            } else if let length = lengths.first.map({ Int($0.1) }) {
                guard let length, length >= 0, next + length <= bytes.count else {
                    return .failure(Invalid("a body shorter than its Content-Length", bytes[index...]))
                }
                response.body = Array(bytes[next..<(next + length)])
                next += length
            } else if chunked {
                while true {
                    guard let lineEnd = find([13, 10], in: bytes, from: next),
                        let size = Int(String(decoding: bytes[next..<lineEnd], as: UTF8.self), radix: 16), size >= 0,
                        lineEnd + 2 + size + 2 <= bytes.count,
                        bytes[(lineEnd + 2 + size)..<(lineEnd + 4 + size)].elementsEqual([13, 10])
                    else { return .failure(Invalid("a broken chunk", bytes[next...])) }
                    response.body += bytes[(lineEnd + 2)..<(lineEnd + 2 + size)]
                    next = lineEnd + 4 + size
                    if size == 0 { break }
                }
            } else {
                guard response.header("connection") == "close" else {
                    return .failure(Invalid("no framing on a kept-alive connection", bytes[index...]))
                }
                response.body = Array(bytes[next...])
                next = bytes.count
            }
            if !bodyless, response.header("content-type")?.hasPrefix("application/json") == true,
                (try? JSONSerialization.jsonObject(with: Data(response.body), options: [.fragmentsAllowed])) == nil
            {
                return .failure(Invalid("a JSON body that does not parse", response.body[...]))
            }
            responses.append(response)
            index = next
        }
        return .success(responses)
    }

    struct Invalid: Error, CustomStringConvertible {
        let description: String
        init(_ what: String, _ bytes: ArraySlice<UInt8>) {
            description = "\(what): \(String(decoding: bytes.prefix(300), as: UTF8.self).debugDescription)"
        }
    }

    private static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= needle.count, start <= bytes.count - needle.count else { return nil }
        return (start...(bytes.count - needle.count)).first { bytes[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}
