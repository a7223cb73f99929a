import ActivationCore
@testable import ActivationSpool
import Foundation
import Glibc
import Testing

@Suite("Spool directory: reading, writing, rejecting, housekeeping")
struct SpoolDirectoryTests {
    @Test("a regular record is read whole; a vanished one is reported as such")
    func readRegular() throws {
        let sandbox = try SpoolSandbox()
        defer { sandbox.remove() }
        let data = Record.valid(username: "reader1")
        try sandbox.drop(data, as: "a.json")
        #expect(try sandbox.spool.read("a.json") == .record(data))
        #expect(try sandbox.spool.read("gone.json") == .vanished)
    }

    @Test("exactly 64 KiB is read; one byte more is refused")
    func sizeLimit() throws {
        let sandbox = try SpoolSandbox()
        defer { sandbox.remove() }
        let limit = Registration.maximalRecordSize
        try sandbox.drop(Data(repeating: 0x20, count: limit), as: "limit.json")
        try sandbox.drop(Data(repeating: 0x20, count: limit + 1), as: "over.json")
        #expect(try sandbox.spool.read("limit.json") == .record(Data(repeating: 0x20, count: limit)))
        #expect(try sandbox.spool.read("over.json") == .refused(.tooLarge))
    }

    @Test("a symlink, a FIFO and a directory are refused without being opened")
    func notRegular() throws {
        let sandbox = try SpoolSandbox()
        defer { sandbox.remove() }
        let target = sandbox.root.appendingPathComponent("target.json").path
        _ = FileManager.default.createFile(atPath: target, contents: Record.valid(username: "target1"))
        #expect(symlink(target, sandbox.spool.new + "/link.json") == 0)
        #expect(mkfifo(sandbox.spool.new + "/fifo.json", 0o600) == 0)
        #expect(mkdir(sandbox.spool.new + "/dir.json", 0o700) == 0)
        for name in ["link.json", "fifo.json", "dir.json"] {
            #expect(try sandbox.spool.read(name) == .refused(.notRegularFile), "\(name)")
        }
    }

    @Test("waiting names are *.json only, no dot files")
    func waitingNames() throws {
        let sandbox = try SpoolSandbox()
        defer { sandbox.remove() }
        for name in ["a.json", ".hidden.json", "b.txt", "c.json"] {
            _ = FileManager.default.createFile(atPath: sandbox.spool.new + "/" + name, contents: Data())
        }
        #expect(try sandbox.spool.waitingNames().sorted() == ["a.json", "c.json"])
    }

    @Test("the writer leaves nothing in tmp/ and a complete record in new/")
    func writer() throws {
        let sandbox = try SpoolSandbox()
        defer { sandbox.remove() }
        let data = Record.valid(username: "writer1")
        let name = try SpoolWriter.write(data, to: sandbox.spool)
        #expect(name.hasSuffix(".json"))
        #expect(sandbox.names(in: sandbox.spool.tmp).isEmpty)
        #expect(try Data(contentsOf: URL(fileURLWithPath: sandbox.spool.new + "/" + name)) == data)
        #expect(try SpoolWriter.write(data, to: sandbox.spool) != name)
    }

    @Test("a parsed copy loses exactly the password fields")
    func withoutPasswords() throws {
        let data = Record.valid(username: "copy1", password: "Hidden123x")
        let copy = try #require(SpoolDirectory.withoutPasswords(data))
        let object = try #require(try JSONSerialization.jsonObject(with: copy) as? [String: Any])
        #expect(Set(object.keys) == Set(Registration.fieldNames).subtracting(Registration.passwordFieldNames))
        #expect(!String(decoding: copy, as: UTF8.self).contains("Hidden123x"))
        #expect(SpoolDirectory.withoutPasswords(Data("[1]".utf8)) == nil)
    }

    @Test("inotify events are split, names read up to their NUL padding, overflow reported")
    func inotifyParse() {
        func event(mask: Int32, name: String) -> [UInt8] {
            var nameBytes = Array(name.utf8)
            if !nameBytes.isEmpty { nameBytes += [UInt8](repeating: 0, count: 16 - nameBytes.count % 16) }
            var bytes: [UInt8] = []
            for value in [UInt32(1), UInt32(bitPattern: mask), 0, UInt32(nameBytes.count)] {
                withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
            }
            return bytes + nameBytes
        }
        let bytes = event(mask: Int32(IN_MOVED_TO), name: "a.json") + event(mask: Int32(IN_Q_OVERFLOW), name: "")
            + event(mask: Int32(IN_CLOSE_WRITE), name: "exactly16chars.j")
        #expect(InotifyWatcher.parse(bytes[...]) == [.name("a.json"), .overflow, .name("exactly16chars.j")])
    }

    @Test("the dispatcher never puts one name in work twice and respects its limit")
    func dispatcher() {
        var dispatcher = IntakeDispatcher(limit: 2)
        for name in ["a", "b", "a", "c"] { dispatcher.enqueue(name) }
        #expect(dispatcher.next() == "a")
        #expect(dispatcher.next() == "b")
        #expect(dispatcher.next() == nil)
        dispatcher.enqueue("a")
        #expect(dispatcher.backlog == 3)
        dispatcher.finished("a")
        #expect(dispatcher.next() == "c")
        dispatcher.drain()
        #expect(!dispatcher.isDone)
        dispatcher.finished("b")
        dispatcher.finished("c")
        #expect(dispatcher.isDone && dispatcher.backlog == 0)
    }
}
