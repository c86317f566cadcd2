import Testing
import SystemCalls

/// A recursion `depth` calls deep, each call holding `frame` bytes on the stack.
@inline(never)
func recurse(_ depth: Int) -> Int {
    var frame = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)  // 128 bytes the optimiser cannot drop
    frame.0 = depth
    return depth == 0 ? 0 : withUnsafeMutablePointer(to: &frame) { recurse(depth - 1) + $0.pointee.0 % 2 }
}

@Suite struct LargeStackThreadTests {
    @Test func aRecursionFarDeeperThanAThreadsStackRunsThere() {
        // 250,000 frames of over 128 bytes: over 32 MiB of stack, four times a thread's 8 MiB.
        let result = LargeStackThread.run { recurse(250_000) }
        #expect(result == 125_000)
    }

    @Test func errorsAndValuesComeBackToTheCaller() {
        struct Failure: Error, Equatable {}
        #expect(throws: Failure()) { try LargeStackThread.run { () throws(Failure) -> Int in throw Failure() } }
        #expect(LargeStackThread.run { "value" } == "value")
    }
}
