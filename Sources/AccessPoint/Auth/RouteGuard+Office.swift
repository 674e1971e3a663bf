import HTTPServer
import Storage

/// The guards of the ID Registration Office's API: the office's staff and an applicant.
extension RouteGuard where Caller == String {
    /// A valid `office` token: the ID registration organisation's staff (AFIR Art. 20(1)), who
    /// approve, suspend, revoke and issue tokens; hands the handler the actor's name for the audit
    /// log, `token:ID (label)`.
    static func office(_ register: PartyRegister) -> RouteGuard<String> {
        RouteGuard { request, _ in
            do {
                guard let secret = AccessToken.presented(in: request) else {
                    return .failure(AccessRefusal(response: AuthFailure.missing("an office token").response))
                }
                guard let token = try await register.token(hash: AccessToken.hash(secret)),
                    AccessToken.matches(secret, storedHash: token.hash)
                else {
                    return .failure(AccessRefusal(response: AuthFailure.forbidden("the token is not valid").response))
                }
                guard token.role == .office else {
                    return .failure(
                        AccessRefusal(response: AuthFailure.forbidden("this route needs an office token").response))
                }
                return .success("token:\(token.id) (\(token.label))")
            } catch {
                return .failure(AccessRefusal(response: APIError.storeFailure(error)))
            }
        }
    }
}

extension RouteGuard where Caller == Int64 {
    /// The secret an application got when it was submitted, for the application `{id}` of the
    /// URL; hands the handler that id. A missing secret is `401`; a wrong one, or an application
    /// that does not exist, the same `403`, so that nothing tells which ids exist.
    static func applicant(_ register: PartyRegister) -> RouteGuard<Int64> {
        RouteGuard { request, parameters in
            guard let secret = AccessToken.presented(in: request) else {
                return .failure(AccessRefusal(response: AuthFailure.missing("the application's secret").response))
            }
            do {
                guard let id = parameters["id"].flatMap({ Int64($0) }),
                    let hash = try await register.applicationSecretHash(id),
                    AccessToken.matches(secret, storedHash: hash)
                else { return .failure(AccessRefusal(response: AuthFailure.forbidden(wrongSecret).response)) }
                return .success(id)
            } catch {
                return .failure(AccessRefusal(response: APIError.storeFailure(error)))
            }
        }
    }

    static let wrongSecret = "the secret does not open this application"
}
