import Testing
@testable import ActivationCore

@Suite("Reloadable: a value replaced whole")
struct ReloadableTests {
    struct Pair: Sendable, Equatable {
        let limit: Int
        let window: Int
    }

    @Test("a reader never sees the old half of a value beside the new half, while another task replaces it")
    func wholeValues() async {
        let holder = Reloadable(Pair(limit: 0, window: 0))
        await withTaskGroup(of: Int.self) { group in
            group.addTask {
                for n in 1...20_000 { holder.replace(with: Pair(limit: n, window: n * 60)) }
                return 0
            }
            group.addTask {
                var torn = 0
                for _ in 0..<20_000 {
                    let pair = holder.current
                    if pair.window != pair.limit * 60 { torn += 1 }
                }
                return torn
            }
            var torn = 0
            for await count in group { torn += count }
            #expect(torn == 0)
        }
        #expect(holder.current == Pair(limit: 20_000, window: 1_200_000))
    }
}
