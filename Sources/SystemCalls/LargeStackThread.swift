#if canImport(Glibc)
import Glibc
#endif
import Dispatch

/// Runs work on a thread of its own with a stack far larger than a thread's 8 MiB: for C code
/// that recurses as deep as its input is large (Graphviz's depth-first walks, on graphs of
/// hundreds of thousands of nodes, overflow the main thread's stack and end the process).
package enum LargeStackThread {
    /// 1 GiB of address space, 128 times a thread's: only the pages a walk reaches are ever given
    /// memory, and a system that will not reserve that much still runs the work, on the caller.
    package static let defaultStackSize = 1 << 30

    /// Runs `body` on a new thread with a stack of `stackSize` bytes and waits for it to end.
    /// Where no such thread can be made, `body` runs on the calling thread.
    package static func run<Value, Failure: Error>(
        stackSize: Int = defaultStackSize, _ body: () throws(Failure) -> Value
    ) throws(Failure) -> Value {
        var outcome: Result<Value, Failure>?
        withoutActuallyEscaping({ outcome = Result { () throws(Failure) in try body() } }) { work in
            // Joined, so the thread and its hold on `work` end before `withoutActuallyEscaping` does.
            if let thread = start(stackSize: stackSize, detached: false, work) {
                pthread_join(thread, nil)
            } else {
                work()
            }
        }
        return try outcome!.get()
    }

    /// Runs `body` on a new thread with a stack of `stackSize` bytes and waits for it at most
    /// `timeout`: its value, or nil when it did not end in time. The thread then runs on until
    /// `body` returns, and nothing waits for it; whatever `body` holds (a lock, say) stays held
    /// until then. Where no such thread can be made, `body` runs on the calling thread, in full.
    package static func run<Value: Sendable>(
        stackSize: Int = defaultStackSize, timeout: Duration, _ body: @escaping @Sendable () -> Value
    ) -> Value? {
        let outcome = Outcome<Value>()
        guard start(stackSize: stackSize, detached: true, { outcome.value = body(); outcome.done.signal() }) != nil else {
            return body()
        }
        let (seconds, attoseconds) = timeout.components
        let nanoseconds = Int(clamping: seconds).multipliedReportingOverflow(by: 1_000_000_000)
        let deadline: DispatchTime = nanoseconds.overflow
            ? .distantFuture : .now() + .nanoseconds(nanoseconds.partialValue &+ Int(attoseconds / 1_000_000_000))
        guard outcome.done.wait(timeout: deadline) == .success else { return nil }
        return outcome.value
    }

    /// What a thread that may outlive its caller hands back: the semaphore orders the write of
    /// `value` before the caller's read.
    private final class Outcome<Value>: @unchecked Sendable {
        let done = DispatchSemaphore(value: 0)
        var value: Value?
    }

    /// Starts `work` on a thread with a stack of `stackSize` bytes, to be joined or not; nil when
    /// the system makes no such thread (and `work` has not run).
    private static func start(stackSize: Int, detached: Bool, _ work: @escaping () -> Void) -> pthread_t? {
        let box = Unmanaged.passRetained(Work(work))
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        var thread = pthread_t()
        guard pthread_attr_setstacksize(&attributes, stackSize) == 0,
              pthread_attr_setdetachstate(&attributes, Int32(detached ? PTHREAD_CREATE_DETACHED : PTHREAD_CREATE_JOINABLE)) == 0,
              pthread_create(&thread, &attributes, { argument in
                  Unmanaged<Work>.fromOpaque(argument!).takeRetainedValue().body()
                  return nil
              }, box.toOpaque()) == 0
        else {
            box.release()
            return nil
        }
        return thread
    }

    private final class Work {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }
}
