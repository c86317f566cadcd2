#if canImport(Glibc)
import Glibc
#endif
import Synchronization

// The system calls OutputFile needs beyond Glibc's Swift names.

/// open(2)'s O_TMPFILE and O_PATH, which Glibc defines for GNU programs only: Linux's
/// generic values, those of every architecture Swift runs on.
let openUnnamedFile = Int32(0o20000000) | O_DIRECTORY
let openPathOnly = Int32(0o10000000)

extension OutputError {
    /// The error of `path` that `code` (errno) says.
    init(path: String, errno code: Int32 = errno) {
        self.init(path: path, reason: String(cString: strerror(code)))
    }
}

/// An open file descriptor, closed exactly once: by `close(path:)`, which says when
/// closing fails, or else when it goes out of scope (after an error).
struct Descriptor: ~Copyable {
    let raw: Int32

    init(_ raw: Int32) { self.raw = raw }

    consuming func close(path: String) throws(OutputError) {
        let result = Glibc.close(raw)
        discard self
        // Linux frees the descriptor even when close fails (EINTR included): it is never closed again.
        if result != 0 && errno != EINTR { throw OutputError(path: path) }
    }

    deinit { _ = Glibc.close(raw) }
}

/// The folder that `path` names its file in: "" for a bare name, "/" for a name at the root.
func folder(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "" }
    return slash == path.startIndex ? "/" : String(path[..<slash])
}

/// The last part of `path`, after its last slash.
func lastComponent(of path: String) -> String {
    path.lastIndex(of: "/").map { String(path[path.index(after: $0)...]) } ?? path
}

/// Where `link`, a symbolic link, points: its target, read as the kernel reads it
/// (relative to the link's folder).
func linkTarget(_ link: String) -> String? {
    var buffer = [UInt8](repeating: 0, count: Int(PATH_MAX) + 1)
    let count = buffer.withUnsafeMutableBufferPointer { readlink(link, $0.baseAddress!, Int(PATH_MAX)) }
    guard count >= 0 else { return nil }
    let target = String(decoding: buffer[..<count], as: UTF8.self)
    let base = folder(of: link)
    if target.hasPrefix("/") || base.isEmpty { return target }
    return base.hasSuffix("/") ? base + target : base + "/" + target
}

/// What a link in /proc, rather than a file's own link, stands for.
enum ProcLink {
    /// One of this process's descriptors: /dev/stdout, /dev/fd/N, /proc/self/fd/N.
    case descriptor(Int32)
    /// Anything else in /proc: another process's descriptor, a folder, a program.
    case other
}

/// What `link`, a symbolic link, is when its folder is in /proc; nil for any other link.
func procLink(_ link: String) -> ProcLink? {
    let base = folder(of: link)
    guard let real = realpath(base.isEmpty ? "." : base, nil) else { return nil }
    let parts = String(cString: real).split(separator: "/")
    free(real)
    guard parts.first == "proc" else { return nil }
    let process = Substring(String(getpid()))
    let ownDescriptors = parts.count >= 3 && parts[1] == process && parts.last == "fd"
        && (parts.count == 3 || (parts.count == 5 && parts[2] == "task"))
    let number = lastComponent(of: link)
    guard ownDescriptors, !number.isEmpty, number.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
          let descriptor = Int32(number) else { return .other }
    return .descriptor(descriptor)
}

// MARK: Removing a named temporary file when a signal ends the process

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
struct TemporaryFileCleanup: ~Copyable {
    private var installed: [Int32] = []

    init() {
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

    /// Makes the file `name` in `folder` with `make`, which says whether it could (errno saying why
    /// not). A signal removes the file from before it exists, so that none can come between its
    /// making and its arming; `folder` must stay open until `disarm`.
    func make(_ name: String, in folder: Int32, with make: () -> Bool) -> Bool {
        let armed = name.utf8.count < cleanupNameCapacity
        if armed {
            name.withCString { _ = strcpy(cleanupName, $0) }
            cleanupFolder.store(folder, ordering: .sequentiallyConsistent)
            cleanupArmed.store(true, ordering: .sequentiallyConsistent)
        }
        guard make() else {
            let code = errno
            disarm()
            errno = code
            return false
        }
        // A handler on another thread that looked an instant before the file was made missed it:
        // it is removed here, and the process ends as that signal says.
        if armed && cleanupDying.load(ordering: .sequentiallyConsistent) { unlinkat(folder, name, 0) }
        return true
    }

    /// The file was renamed or removed: a signal leaves things as they are.
    func disarm() {
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
