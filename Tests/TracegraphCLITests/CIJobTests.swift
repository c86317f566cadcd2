import Foundation
import Testing
import TraceTestSupport
import Yams

/// README's CI jobs: their YAML parses, and every tracegraph command in them is one the tool
/// takes (no usage error, exit 64; the inputs they name are missing here, which is not one).
@Suite struct CIJobTests {
    static let readme: String = {
        var path = #filePath
        for _ in 0..<3 { path = String(path[..<path.lastIndex(of: "/")!]) }
        return (try? String(contentsOfFile: path + "/README.md", encoding: .utf8)) ?? ""
    }()

    /// README's ```yaml blocks of CI jobs: those that start by naming their file in a comment.
    static var jobs: [String] {
        yamlBlocks.filter { $0.hasPrefix("# .github/workflows/") || $0.hasPrefix("# .gitlab-ci.yml") }
    }

    /// README's ```yaml blocks.
    static var yamlBlocks: [String] {
        var blocks: [String] = []
        var current: [Substring]?
        for line in readme.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "```yaml" { current = [] } else if line == "```", let block = current {
                blocks.append(block.joined(separator: "\n"))
                current = nil
            } else if current != nil { current!.append(line) }
        }
        return blocks
    }

    /// Every string in a YAML document, depth first.
    static func strings(in node: Node) -> [String] {
        switch node {
        case .scalar(let scalar): [scalar.string]
        case .mapping(let mapping): mapping.flatMap { strings(in: $0.key) + strings(in: $0.value) }
        case .sequence(let sequence): sequence.flatMap { strings(in: $0) }
        default: []
        }
    }

    /// The arguments of each `…/tracegraph …` command in `text`, up to a redirection.
    static func tracegraphCommands(in text: String) -> [[String]] {
        text.split(separator: "\n").compactMap { line in
            guard let start = line.range(of: "tracegraph/.build/release/tracegraph ") else { return nil }
            var words: [String] = []
            var word = "", quoted = false
            for character in line[start.upperBound...] {
                if character == "\"" { quoted.toggle() } else if character == " ", !quoted {
                    if !word.isEmpty { words.append(word) }
                    word = ""
                } else { word.append(character) }
            }
            if !word.isEmpty { words.append(word) }
            return Array(words.prefix { $0 != ">" && $0 != ">>" && $0 != "|" && $0 != "#" })
        }
    }

    @Test func readmeHasAGitHubAndAGitLabJob() throws {
        let jobs = Self.jobs
        #expect(jobs.count == 2)
        let github = try #require(try Yams.compose(yaml: jobs[0]))
        let steps = Self.strings(in: github)
        #expect(steps.contains("actions/upload-artifact@v4") && steps.contains("archive"))
        #expect(steps.contains { $0.contains("--for job-summary >> \"$GITHUB_STEP_SUMMARY\"") })
        let gitlab = try #require(try Yams.compose(yaml: jobs[1]))
        #expect(Self.strings(in: gitlab).contains("expose_as"))
    }

    @Test func everyTracegraphCommandInTheJobsIsOneTheToolTakes() throws {
        let commands = try Self.jobs.flatMap { job in
            Self.strings(in: try #require(try Yams.compose(yaml: job))).flatMap(Self.tracegraphCommands)
        }
        #expect(commands.count == 7)
        let folder = try temporaryFolder()
        for arguments in commands {
            let result = try Tool.run(arguments + ["-q"], in: folder)
            #expect(result.status != 64 && result.status != 0, "\(arguments): \(result.status) \(result.standardError)")
            #expect(result.standardError.contains("traces/") || result.standardError.contains("docs/service-graph.json"),
                    "\(arguments) fails on its missing input: \(result.standardError)")
        }
    }
}

/// Every subcommand's help ends in examples, and each is a command line the tool takes.
@Suite struct HelpExampleTests {
    @Test(arguments: ["graph", "report", "summary", "diff", "workflows", "inspect", "example"])
    func theExamplesInAHelpAreCommandsTheToolTakes(subcommand: String) throws {
        let folder = try temporaryFolder()
        let help = try Tool.run([subcommand, "--help"], in: folder)
        let text = String(decoding: help.standardOutput, as: UTF8.self)
        let examples = text.components(separatedBy: "Examples:\n").dropFirst().first?.split(separator: "\n")
            .prefix { $0.hasPrefix("  tracegraph ") } ?? []
        #expect(!examples.isEmpty, "\(subcommand) --help has no examples")
        for example in examples {
            let arguments = CIJobTests.tracegraphCommands(in: "tracegraph/.build/release/" + example.dropFirst(2))
            let result = try Tool.run(try #require(arguments.first), in: folder)
            #expect(result.status != 64, "\(example): \(result.standardError)")
        }
    }
}
