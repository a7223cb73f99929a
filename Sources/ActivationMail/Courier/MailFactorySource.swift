public import ActivationCore

/// The mail factory the courier renders with, replaced whole when the daemon reloads its
/// templates (SIGHUP): a mail already being composed keeps the factory it started with.
public typealias MailFactorySource = Reloadable<MailFactory>
