import ActivationCore
import Foundation
import Hummingbird
import Logging

/// One log line per request with method, path, status and duration — the path only: the query
/// string carries activation tokens and is never logged (Hummingbird's `LogRequestsMiddleware`
/// logs the whole URI, so it is not used).
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = ActivationRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = (ContinuousClock.now - start).timeInterval
        context.logger.log(
            level: response.status.code >= 500 ? .error : .debug, "request",
            metadata: [
                LogKey.event: "\(EventName.httpRequest)", LogKey.httpMethod: "\(request.method.rawValue)",
                LogKey.httpPath: "\(request.uri.path.prefix(200))", LogKey.httpStatus: "\(response.status.code)",
                LogKey.seconds: "\(String(format: "%.4f", elapsed))",
            ])
        return response
    }
}
