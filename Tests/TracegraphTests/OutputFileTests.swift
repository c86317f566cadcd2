import Foundation
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

/// The umask, read without setting it (which would race with the tests that create files).
private func umaskOfThisProcess() throws -> mode_t {
    let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
    let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("Umask:") })
    return try #require(mode_t(line.dropFirst("Umask:".count).trimmingCharacters(in: .whitespaces), radix: 8))
}
