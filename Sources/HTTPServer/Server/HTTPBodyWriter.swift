/// Where a streamed response's handler writes its body. Each `write` returns once the connection
/// can take more (the client reads at its own pace; memory stays bounded) and throws once the
/// client is gone, so the handler stops producing.
public struct HTTPBodyWriter: Sendable {
    let mailbox: Mailbox
    let target: Mailbox.Target

    public func write(_ bytes: [UInt8]) async throws {
        guard !bytes.isEmpty else { return }
        try await withCheckedThrowingContinuation { continuation in
            mailbox.post(.chunk(target, bytes, continuation))
        }
    }
}
