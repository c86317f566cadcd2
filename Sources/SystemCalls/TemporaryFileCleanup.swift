#if canImport(Glibc)
import Glibc
#endif
import Synchronization

// The signal handler reads only these, set up before any handler is installed:
// atomic flags, a folder's descriptor and a C string, without locks or allocation.
private let cleanupArmed = Atomic<Bool>(false)
private let cleanupDying = Atomic<Bool>(false)
private let cleanupFolder = Atomic<Int32>(-1)
private let cleanupNameCapacity = 512
nonisolated(unsafe) private let cleanupName: UnsafeMutablePointer<CChar> = {
    let name = UnsafeMutablePointer<CChar>.allocate(capacity: cleanupNameCapacity)
    name.initialize(repeating: 0, count: cleanupNameCapacity)
    return name
}()
/// One named temporary file at a time, since there is one place to keep its name.
nonisolated(unsafe) private let cleanupLock: UnsafeMutablePointer<pthread_mutex_t> = {
    let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    pthread_mutex_init(lock, nil)
    return lock
}()
private let cleanupSignals = [SIGINT, SIGTERM, SIGHUP]

/// Removes the armed file, then ends the process as the signal would have without this handler.
private let removeTemporaryFileAndDie: @convention(c) (Int32) -> Void = { number in
    cleanupDying.store(true, ordering: .sequentiallyConsistent)
    if cleanupArmed.load(ordering: .sequentiallyConsistent) {
        unlinkat(cleanupFolder.load(ordering: .sequentiallyConsistent), cleanupName, 0)
    }
    var byDefault = sigaction()
    sigemptyset(&byDefault.sa_mask)
    sigaction(number, &byDefault, nil)
    // Blocked while the handler runs, the signal is delivered when it returns, and ends the process.
    raise(number)
}

/// While it lives, SIGINT, SIGTERM and SIGHUP remove the temporary file it made before they end
/// the process, unless the program already handles or ignores them (its own handler stays in place).
/// Only one lives at a time: creating another waits for it to end.
package struct TemporaryFileCleanup: ~Copyable {
    private var installed: [Int32] = []

    package init() {
        pthread_mutex_lock(cleanupLock)
        // Initialised here, before a handler can read them.
        cleanupName.pointee = 0
        cleanupFolder.store(-1, ordering: .sequentiallyConsistent)
        cleanupArmed.store(false, ordering: .sequentiallyConsistent)
        _ = cleanupDying.load(ordering: .sequentiallyConsistent)
        for number in cleanupSignals {
            var current = sigaction()
            guard sigaction(number, nil, &current) == 0, current.__sigaction_handler.sa_handler == nil else { continue }
            var action = sigaction()
            action.__sigaction_handler.sa_handler = removeTemporaryFileAndDie
            sigemptyset(&action.sa_mask)
            for other in cleanupSignals { sigaddset(&action.sa_mask, other) }
            if sigaction(number, &action, nil) == 0 { installed.append(number) }
        }
    }

    /// Makes the file `name` in `folder` with `make`. A signal removes the file from before it
    /// exists, so that none can come between its making and its arming; `folder` must stay open
    /// until `disarm`.
    package func make(_ name: String, in folder: borrowing FileDescriptor, with make: () throws(SystemError) -> Void) throws(SystemError) {
        let armed = name.utf8.count < cleanupNameCapacity
        if armed {
            name.withCString { _ = strcpy(cleanupName, $0) }
            cleanupFolder.store(folder.raw, ordering: .sequentiallyConsistent)
            cleanupArmed.store(true, ordering: .sequentiallyConsistent)
        }
        do throws(SystemError) {
            try make()
        } catch {
            disarm()
            throw error
        }
        // A handler on another thread that looked an instant before the file was made missed it:
        // it is removed here, and the process ends as that signal says.
        if armed && cleanupDying.load(ordering: .sequentiallyConsistent) { folder.remove(name) }
    }

    /// The file was renamed or removed: a signal leaves things as they are.
    package func disarm() {
        cleanupArmed.store(false, ordering: .sequentiallyConsistent)
    }

    deinit {
        disarm()
        let ours = unsafeBitCast(removeTemporaryFileAndDie, to: Int.self)
        for number in installed {
            var current = sigaction()
            guard sigaction(number, nil, &current) == 0,
                  unsafeBitCast(current.__sigaction_handler.sa_handler, to: Int.self) == ours else { continue }
            var byDefault = sigaction()
            sigemptyset(&byDefault.sa_mask)
            sigaction(number, &byDefault, nil)
        }
        pthread_mutex_unlock(cleanupLock)
    }
}
