#if canImport(Glibc)
import Glibc
#endif

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
            let box = Unmanaged.passRetained(Work(work))
            var attributes = pthread_attr_t()
            pthread_attr_init(&attributes)
            defer { pthread_attr_destroy(&attributes) }
            var thread = pthread_t()
            guard pthread_attr_setstacksize(&attributes, stackSize) == 0,
                  pthread_create(&thread, &attributes, { argument in
                      Unmanaged<Work>.fromOpaque(argument!).takeRetainedValue().body()
                      return nil
                  }, box.toOpaque()) == 0
            else {
                box.release()
                work()
                return
            }
            pthread_join(thread, nil)
        }
        return try outcome!.get()
    }

    private final class Work {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }
}
