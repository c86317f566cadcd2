import Foundation
import Synchronization
import Testing
@testable import Tracegraph

/// Where OutputFile puts what it writes, whatever the path names; each test that takes `unnamed`
/// runs with an O_TMPFILE temporary file and with a named one (where O_TMPFILE is missing).
@Suite struct OutputFileTests {
    static let temporaryKinds = [true, false]

    let payload = Array("<!DOCTYPE html>\n<p>the new report</p>\n".utf8)

    // MARK: Regular files

    @Test(arguments: temporaryKinds)
    func aNewFileGetsTheUmasksModeAndNothingElseIsLeft(unnamed: Bool) throws {
        let folder = try makeFolder()
        try OutputFile.write(payload, to: folder + "/Output/report.html", unnamedTemporaryFile: unnamed)
        #expect(contents(folder + "/Output/report.html") == payload)
        #expect(try permissions(folder + "/Output/report.html") == 0o666 & ~umaskOfThisProcess())
        #expect(entries(folder + "/Output") == ["report.html"])
    }

    @Test(arguments: temporaryKinds)
    func aFileKeepsItsMode(unnamed: Bool) throws {
        let folder = try makeFolder()
        for (name, mode) in [("private.html", mode_t(0o600)), ("shared.html", 0o664), ("read-only.html", 0o444)] {
            try create(folder + "/" + name, "earlier", mode: mode)
            try OutputFile.write(payload, to: folder + "/" + name, unnamedTemporaryFile: unnamed)
            #expect(contents(folder + "/" + name) == payload)
            #expect(try permissions(folder + "/" + name) == mode, "\(name)")
        }
        #expect(entries(folder) == ["private.html", "read-only.html", "shared.html"])
    }

    @Test(.enabled(if: getuid() == 0, "only root gives files away"), arguments: temporaryKinds)
    func asRootAFileKeepsItsOwnerAndGroup(unnamed: Bool) throws {
        let folder = try makeFolder()
        let path = folder + "/report.html"
        try create(path, "earlier", mode: 0o640)
        try #require(chown(path, 4242, 4343) == 0)
        try OutputFile.write(payload, to: path, unnamedTemporaryFile: unnamed)
        let status = try #require(fileStatus(path))
        #expect(status.st_uid == 4242)
        #expect(status.st_gid == 4343)
        #expect(status.st_mode & 0o7777 == 0o640)
        #expect(contents(path) == payload)
    }

    /// The choice for hard links: the file is replaced, as every regular file is, so that it is
    /// never seen half-written; its other names keep the earlier content (and the command line warns).
    @Test(arguments: temporaryKinds)
    func aHardLinkedFileIsReplacedAndItsOtherNameKeepsTheEarlierContent(unnamed: Bool) throws {
        let folder = try makeFolder()
        try create(folder + "/report.html", "earlier", mode: 0o644)
        try #require(link(folder + "/report.html", folder + "/published.html") == 0)
        try OutputFile.write(payload, to: folder + "/report.html", unnamedTemporaryFile: unnamed)
        #expect(contents(folder + "/report.html") == payload)
        #expect(contents(folder + "/published.html") == Array("earlier".utf8))
        #expect(fileStatus(folder + "/report.html")?.st_nlink == 1)
        #expect(fileStatus(folder + "/published.html")?.st_nlink == 1)
        #expect(entries(folder) == ["published.html", "report.html"])
    }

    @Test(arguments: temporaryKinds)
    func aFailedRenameLeavesNothingBehind(unnamed: Bool) throws {
        let folder = try makeFolder()
        try FileManager.default.createDirectory(atPath: folder + "/report.html", withIntermediateDirectories: false)
        try create(folder + "/report.html/inside", "kept", mode: 0o644)
        #expect(throws: OutputError(path: folder + "/report.html", reason: String(cString: strerror(EISDIR)))) {
            try OutputFile.write(payload, to: folder + "/report.html", unnamedTemporaryFile: unnamed)
        }
        #expect(entries(folder) == ["report.html"])
        #expect(entries(folder + "/report.html") == ["inside"])
    }

    // MARK: Symbolic links

    @Test(arguments: temporaryKinds)
    func aSymbolicLinkIsFollowedAndStaysALink(unnamed: Bool) throws {
        let folder = try makeFolder()
        try FileManager.default.createDirectory(atPath: folder + "/site", withIntermediateDirectories: false)
        try FileManager.default.createDirectory(atPath: folder + "/links", withIntermediateDirectories: false)
        try create(folder + "/site/report.html", "earlier", mode: 0o640)
        // A chain: links/latest.html → current.html → ../site/report.html
        try #require(symlink("../site/report.html", folder + "/links/current.html") == 0)
        try #require(symlink("current.html", folder + "/links/latest.html") == 0)
        try OutputFile.write(payload, to: folder + "/links/latest.html", unnamedTemporaryFile: unnamed)
        #expect(contents(folder + "/site/report.html") == payload)
        #expect(try permissions(folder + "/site/report.html") == 0o640)
        #expect(symbolicLinkTarget(folder + "/links/latest.html") == "current.html")
        #expect(symbolicLinkTarget(folder + "/links/current.html") == "../site/report.html")
        #expect(entries(folder + "/links") == ["current.html", "latest.html"])
        #expect(entries(folder + "/site") == ["report.html"])
    }

    @Test func aDanglingLinkNamesTheFileToCreate() throws {
        let folder = try makeFolder()
        try #require(symlink("build/new.html", folder + "/report.html") == 0)
        try OutputFile.write(payload, to: folder + "/report.html")
        #expect(symbolicLinkTarget(folder + "/report.html") == "build/new.html")
        #expect(contents(folder + "/build/new.html") == payload)
        #expect(entries(folder + "/build") == ["new.html"])
    }

    // MARK: What is not a regular file

    @Test func aFIFOIsWrittenInPlaceAndStaysAFIFO() throws {
        let folder = try makeFolder()
        let fifo = folder + "/pipe"
        try #require(mkfifo(fifo, 0o600) == 0)
        // The reading end is open before the write starts, so that opening to write never waits.
        let reader = open(fifo, O_RDONLY | O_NONBLOCK)
        try #require(reader >= 0)
        defer { close(reader) }
        // More than a pipe holds: the write needs this reader to go on.
        let bytes = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let writing = Writing()
        Thread {
            do throws(OutputError) { try OutputFile.write(bytes, to: fifo) } catch { writing.failure.withLock { $0 = error } }
            writing.finished.store(true, ordering: .releasing)
        }.start()
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let finished = writing.finished.load(ordering: .acquiring)
            let count = read(reader, &buffer, buffer.count)
            if count > 0 {
                received += buffer[..<count]
            } else if finished {
                break  // everything written was in the pipe before the writer closed it
            } else {
                usleep(1_000)
            }
        }
        let finished = writing.finished.load(ordering: .acquiring)
        #expect(finished)
        #expect(writing.failure.withLock { $0 } == nil)
        // Compared apart, so that a failure does not print 300,000 bytes.
        let delivered = received == bytes
        #expect(delivered, "\(received.count) of \(bytes.count) bytes")
        #expect(fileStatus(fifo).map { $0.st_mode & S_IFMT } == S_IFIFO)
        #expect(entries(folder) == ["pipe"])
    }

    /// /dev/null and /dev/full themselves, or as root copies of them in a temporary folder
    /// (so that a regression cannot replace the real ones).
    @Test func devicesAreWrittenInPlaceAndTheirErrorsReported() throws {
        guard let (null, full) = try characterDevices() else { return }
        try OutputFile.write(payload, to: null)
        #expect(fileStatus(null).map { $0.st_mode & S_IFMT } == S_IFCHR)
        #expect(throws: OutputError(path: full, reason: String(cString: strerror(ENOSPC)))) {
            try OutputFile.write(payload, to: full)
        }
        #expect(fileStatus(full).map { $0.st_mode & S_IFMT } == S_IFCHR)
    }

    @Test func aDescriptorOfThisProcessIsWrittenToItself() throws {
        var ends: [Int32] = [-1, -1]
        try #require(pipe(&ends) == 0)
        defer { close(ends[0]) }
        try OutputFile.write(payload, to: "/dev/fd/\(ends[1])")
        close(ends[1])
        var buffer = [UInt8](repeating: 0, count: 4_096)
        var received: [UInt8] = []
        while case let count = read(ends[0], &buffer, buffer.count), count > 0 { received += buffer[..<count] }
        #expect(received == payload)
    }

    @Test func aDescriptorOpenedToAppendIsAppendedTo() throws {
        let folder = try makeFolder()
        let log = folder + "/log.txt"
        try create(log, "earlier\n", mode: 0o644)
        let descriptor = open(log, O_WRONLY | O_APPEND)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        try OutputFile.write(payload, to: "/proc/self/fd/\(descriptor)")
        #expect(contents(log) == Array("earlier\n".utf8) + payload)
        #expect(entries(folder) == ["log.txt"])
    }
}

/// What a writing thread says to the test.
private final class Writing: Sendable {
    let finished = Atomic<Bool>(false)
    let failure = Mutex<OutputError?>(nil)
}

private func makeFolder() throws -> String {
    let path = NSTemporaryDirectory() + "tracegraph-output-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

private func create(_ path: String, _ text: String, mode: mode_t) throws {
    try #require(FileManager.default.createFile(atPath: path, contents: Data(text.utf8)))
    try #require(chmod(path, mode) == 0)
}

private func fileStatus(_ path: String) -> stat? {
    var status = stat()
    return lstat(path, &status) == 0 ? status : nil
}

private func permissions(_ path: String) throws -> mode_t {
    try #require(fileStatus(path)).st_mode & 0o7777
}

private func contents(_ path: String) -> [UInt8]? {
    FileManager.default.contents(atPath: path).map { Array($0) }
}

private func entries(_ folder: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
}

private func symbolicLinkTarget(_ path: String) -> String? {
    guard fileStatus(path).map({ $0.st_mode & S_IFMT == S_IFLNK }) == true else { return nil }
    return try? FileManager.default.destinationOfSymbolicLink(atPath: path)
}

/// The umask, read without setting it (which would race with the tests that create files).
private func umaskOfThisProcess() throws -> mode_t {
    let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
    let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("Umask:") })
    return try #require(mode_t(line.dropFirst("Umask:".count).trimmingCharacters(in: .whitespaces), radix: 8))
}

/// A null device and a full one to write to: /dev/null and /dev/full for a user, who cannot
/// replace them; copies made with mknod in a temporary folder for root. Nil when root cannot make them.
private func characterDevices() throws -> (null: String, full: String)? {
    guard getuid() == 0 else { return ("/dev/null", "/dev/full") }
    let folder = try makeFolder()
    var filesystem = statvfs()
    guard statvfs(folder, &filesystem) == 0, filesystem.f_flag & 4 == 0 /* ST_NODEV */,
          mknod(folder + "/null", S_IFCHR | 0o666, dev_t(1 << 8 | 3)) == 0,
          mknod(folder + "/full", S_IFCHR | 0o666, dev_t(1 << 8 | 7)) == 0 else { return nil }
    return (folder + "/null", folder + "/full")
}
