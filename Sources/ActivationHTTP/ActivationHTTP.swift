// ActivationHTTP: the pages and API a person (and every mail scanner) reaches from the activation
// link — the activation page, activation by password, resend, the username check, health,
// readiness and metrics — on Hummingbird 2.
//
// Untrusted: everything in a request — query strings, tokens, form and JSON bodies, path
// parameters, content types, sizes, the client's address. A token is verified (HMAC, constant
// time) before the store is asked anything, and never appears in a log line.
//
// Owns no storage: it sees accounts only through the `AccountStore` protocol. The daemon builds
// one `ActivationServer` and puts its application into its ServiceGroup.
