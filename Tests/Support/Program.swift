import Foundation

/// Programs the tests run: a browser check, a generator, the tool itself.
public enum Program {
    /// Runs `arguments` through `/usr/bin/env`; its exit status and what it printed (standard
    /// error, and standard output unless `output` names a file to write it to).
    public static func run(_ arguments: [String], output: String? = nil) throws -> (status: Int32, text: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        if let output {
            _ = FileManager.default.createFile(atPath: output, contents: nil)
            process.standardOutput = FileHandle(forWritingAtPath: output)
        } else {
            process.standardOutput = pipe
        }
        process.standardError = pipe
        try process.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    /// A new empty folder under the temporary directory, named after `purpose`.
    public static func temporaryFolder(_ purpose: String) -> String {
        let path = NSTemporaryDirectory() + "tracegraph-" + purpose + "-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
