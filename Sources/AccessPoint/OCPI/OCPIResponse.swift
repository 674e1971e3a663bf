import Foundation
import HTTPServer
import JSON
import OCPI
import RegistryCore
import Storage

/// OCPI's response envelope and headers (ocpi.md §4.1, §4.2, §4.5): `data`, `status_code`,
/// `status_message` and `timestamp`; `X-Correlation-ID` echoed or made (the server already
/// echoes `X-Request-ID`).
enum OCPIResponse {
    /// `data` nil: an acknowledgement without `data` (PUT and PATCH answers; ocpi.md §4.1).
    static func success(
        _ data: [UInt8]?, _ request: HTTPRequest, status: HTTPStatus = .ok, headers: HTTPHeaders = HTTPHeaders()
    ) -> HTTPResponse {
        var body: [UInt8] = []
        body.reserveCapacity((data?.count ?? 0) + 128)
        body.append(UInt8(ascii: "{"))
        if let data {
            body += Array(#""data":"#.utf8)
            body += data
            body.append(UInt8(ascii: ","))
        }
        body += Array(#""status_code":\#(OCPIStatus.success.rawValue),"status_message":"Success","timestamp":""#.utf8)
        body += Array(RegistryClock.system.now().description.utf8)
        body += Array(#""}"#.utf8)
        var response = HTTPResponse.json(body, status: status)
        for (name, value) in headers { response.headers.set(name, value) }
        return correlated(response, request)
    }

    /// An OCPI error: the HTTP status (`200` when the request reached the OCPI layer, ocpi.md
    /// §4.2) and the OCPI status code with a message saying what is wrong.
    /// `logging` is an error whose own words go to the access log, never to the client.
    static func failure(
        _ status: HTTPStatus, code: OCPIStatus, _ message: String, _ request: HTTPRequest,
        logging error: (any Error)? = nil
    ) -> HTTPResponse {
        var writer = JSONWriter(capacity: 128 + message.utf8.count)
        writer.beginObject()
        writer.member("status_code", code.rawValue)
        writer.member("status_message", message)
        writer.member("timestamp", RegistryClock.system.now().description)
        writer.endObject()
        var response = HTTPResponse.json(writer.bytes, status: status)
        response.logNote = error.map { "\($0)" }
        return correlated(response, request)
    }

    private static func correlated(_ response: HTTPResponse, _ request: HTTPRequest) -> HTTPResponse {
        var response = response
        let correlation = request.headers["X-Correlation-ID"].flatMap { $0.isEmpty || $0.count > 128 ? nil : $0 }
        response.headers.set("X-Correlation-ID", correlation ?? UUID().uuidString.lowercased())
        return response
    }
}
