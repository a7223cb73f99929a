// libFuzzer entry point for the bounce-token target (built by scripts/fuzz.sh only).
import ActivationFuzz
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = bytes.map { Data(bytes: $0, count: count) } ?? Data()
    do {
        try FuzzTargets.bounceToken(data)
    } catch {
        // A broken property: trap, so that libFuzzer keeps the input as a crash.
        fatalError("\(error)")
    }
    fuzzSink(data)
    return 0
}
