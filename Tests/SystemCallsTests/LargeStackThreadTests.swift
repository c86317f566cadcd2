import Testing
import SystemCalls
import Dispatch

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

@Suite struct LargeStackThreadTimeoutTests {
    @Test func aValueInTimeComesBack() {
        #expect(LargeStackThread.run(timeout: .seconds(30)) { recurse(100_000) } == 50_000)
    }

    @Test func workPastItsTimeoutIsLeftRunningAndTheCallerGoesOn() {
        let release = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
        let clock = ContinuousClock()
        let start = clock.now
        let value = LargeStackThread.run(timeout: .milliseconds(200)) { () -> Int in
            release.wait()
            finished.signal()
            return 1
        }
        #expect(value == nil)
        #expect(clock.now - start < .seconds(10))
        // The work goes on after the caller gave up on it, and ends when it can.
        release.signal()
        #expect(finished.wait(timeout: .now() + 10) == .success)
    }
}
