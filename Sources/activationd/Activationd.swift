import ArgumentParser

@main
struct Activationd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "activationd")
}
