// ActivationSpool — the intake: watches the spool's new/, takes each record in through the store
// (validation, scrypt, register), sets bad ones aside, as a service of the daemon.
//
// The spool's files themselves (directories, names, reading, writing, rejecting) are
// ActivationSpoolFiles, which the registration page uses without the intake; they are re-exported
// here for the intake's users.
@_exported import ActivationSpoolFiles
