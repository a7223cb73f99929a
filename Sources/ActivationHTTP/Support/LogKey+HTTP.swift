public import ActivationCore

extension LogKey {
    /// An HTTP request method.
    public static let httpMethod = "method"
    /// An HTTP request path, never its query string (which carries tokens).
    public static let httpPath = "path"
    /// An HTTP response status code.
    public static let httpStatus = "status"
    /// An activation attempt's outcome, as in the `outcome` label of the metrics.
    public static let outcome = "outcome"
}
