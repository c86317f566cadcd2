import Foundation
import Testing
import TraceTestSupport
import Tracegraph

/// `tracegraph.yml`: README's example reads as it says; broken files are refused at their line and
/// column; and the commands apply it, the command line winning.
@Suite struct ConfigurationTests {
    @Test func readmesExampleSaysWhatItsCommentsSay() throws {
        let text = try #require(CIJobTests.yamlBlocks.first { $0.hasPrefix("# tracegraph.yml") })
        let configuration = try Configuration(path: "tracegraph.yml", text: text)
        #expect(configuration.renames == [
            NodeRename(scope: .services, pattern: NamePattern("checkout-v2"), name: "checkout"),
            NodeRename(scope: .services, pattern: NamePattern("cart-*"), name: "cart"),
            NodeRename(scope: .peers, pattern: NamePattern("10.0.3.7"), name: "orders-db"),
        ])
        #expect(configuration.hidden == [NodePattern(scope: .services, pattern: NamePattern("healthcheck")),
                                         NodePattern(scope: .services, pattern: NamePattern("synthetic-*")),
                                         NodePattern(scope: .peers, pattern: NamePattern("*.internal"))])
        #expect(configuration.degradedAbovePercent == 0.5 && configuration.failingAbovePercent == 5)
        #expect(configuration.theme == .dark)
        #expect(configuration.failOn == "new-edge,new-service,error-rate>+2pp")
    }

    /// Broken files: where each is refused, and what the message says.
    static let broken: [(text: String, place: String, says: String)] = [
        ("services:\n  renmae:\n    a: b\n", "c.yml:2:3", "'renmae' is no key of 'services'; the keys are rename, hide"),
        ("theme: sepia\n", "c.yml:1:8", "'theme': 'sepia' is none of light, dark, mono"),
        ("thresholds:\n  failing-above: lots\n", "c.yml:2:18", "'thresholds.failing-above': a percentage, from 0 to 100"),
        ("thresholds:\n  degraded-above: 20\n  failing-above: 10\n", "c.yml:", "degraded-above (20.0) is above failing-above (10.0)"),
        ("diff:\n  fail-on: new-edges\n", "c.yml:2:12", "'new-edges' is no gate"),
        ("services:\n  hide: {a: b}\n", "c.yml:2:9", "'services.hide' is a list of names"),
        ("services:\n  rename:\n    a: [b]\n", "c.yml:3:8", "'services.rename.a' is text"),
        ("services: [a\n", "c.yml:2:1", "not YAML"),
        ("- a\n- b\n", "c.yml:1:1", "'the file' is a mapping of keys to values"),
        ("colour: dark\n", "c.yml:1:1", "'colour' is no key of the configuration"),
        ("theme: \"\u{1B}[2Jdark\"\n", "c.yml:1:", "not YAML: control characters are not allowed"),
    ]

    @Test(arguments: broken.indices)
    func aBrokenFileIsRefusedWhereItIsWrong(index: Int) {
        let (text, place, says) = Self.broken[index]
        #expect {
            _ = try Configuration(path: "c.yml", text: text)
        } throws: { error in
            let message = "\(error)"
            return message.hasPrefix(place) && message.contains(says) && !message.contains("\u{1B}")
        }
    }

    /// Anchors and aliases that would expand a billion times are refused on the first value of the
    /// wrong shape, without expanding them.
    @Test func aBillionLaughsIsRefusedAtOnce() {
        var levels = ["&l0 [" + Array(repeating: "a", count: 10).joined(separator: ", ") + "]"]
        for level in 1...9 { levels.append("&l\(level) [" + Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", ") + "]") }
        let text = "peers:\n  hide: [" + levels.joined(separator: ", ") + "]\n"
        let started = ContinuousClock.now
        #expect(throws: ConfigurationError.self) { _ = try Configuration(path: "laughs.yml", text: text) }
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test func aFileLargerThanAConfigurationIsRefusedUnread() throws {
        let folder = try temporaryFolder()
        try String(repeating: "# comment\n", count: 200_000).write(toFile: folder + "/big.yml", atomically: true, encoding: .utf8)
        #expect { _ = try Configuration(contentsOf: folder + "/big.yml") } throws: { "\($0)".contains("at most 1 MB") }
    }
}

/// The commands with a configuration file: found in the current folder, named, or left unread.
@Suite struct ConfigurationCommandTests {
    static func folder(with configuration: String) throws -> String {
        let folder = try DiffCommandTests.exports()
        try configuration.write(toFile: folder + "/tracegraph.yml", atomically: true, encoding: .utf8)
        return folder
    }

    @Test func aServiceRenamedBetweenReleasesIsNoChange() throws {
        let folder = try Self.folder(with: "services:\n  rename:\n    recommender: recommendation\n")
        let gates = ["--fail-on", "new-service,removed-service,new-edge,removed-edge"]
        let renamed = try Tool.run(["diff", "before.json", "after.json"] + gates, in: folder)
        #expect(renamed.status == 0 && renamed.standardError.contains("read configuration tracegraph.yml"), "\(renamed.standardError)")
        #expect(String(decoding: renamed.standardOutput, as: UTF8.self).contains("Nothing changed."))
        let unread = try Tool.run(["diff", "before.json", "after.json", "--no-config"] + gates, in: folder)
        #expect(unread.status == 1 && !unread.standardError.contains("read configuration"))
    }

    @Test func theGraphIsDrawnWithTheFilesNamesAndHidden() throws {
        let folder = try Self.folder(with: "services:\n  rename:\n    \"fraud-*\": fraud\n  hide: [email]\npeers:\n  rename:\n    \"*.example\": external\n")
        let result = try Tool.run(["graph", "before.json", "-o", "g.json"], in: folder)
        #expect(result.status == 0, "\(result.standardError)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/g.json"))) as? [String: Any])
        let names = try #require(object["nodes"] as? [[String: Any]]).compactMap { $0["name"] as? String }
        #expect(names.contains("fraud") && !names.contains("fraud-detection") && !names.contains("email"))
        #expect(names.filter { $0 == "external" }.count == 1 && !names.contains("api.payments.example"))
        let notes = try #require(object["notes"] as? [String])
        #expect(notes.contains { $0.hasPrefix("named 3 nodes as the configuration's rename says, merging 1 into another") }, "\(notes)")
        #expect(notes.contains("left out 1 node the configuration hides"))
    }

    /// The report names services as they reported themselves, in its graph too, so that its nodes
    /// filter the spans they stand for; what the file hides stays hidden.
    @Test func theReportKeepsTheNamesTheServicesReported() throws {
        let folder = try Self.folder(with: "services:\n  rename:\n    recommendation: catalog\n  hide: [email]\n")
        let result = try Tool.run(["report", "before.json", "-o", "r.html"], in: folder)
        #expect(result.status == 0 && result.standardError.contains("read configuration tracegraph.yml"), "\(result.standardError)")
        let html = try String(contentsOfFile: folder + "/r.html", encoding: .utf8)
        #expect(html.contains("id=\"svc_recommendation\"") && html.contains("id=\"svc_catalog\""))
        #expect(!html.contains("id=\"svc_email\""))
    }

    @Test func theCommandLineWinsOverTheFile() throws {
        let folder = try Self.folder(with: "theme: dark\ndiff:\n  fail-on: removed-service\n")
        let dark = try Tool.run(["diff", "before.json", "after.json", "-o", "dark.svg"], in: folder)
        #expect(dark.status == 1, "the file's gate: \(dark.standardError)")
        let light = try Tool.run(["diff", "before.json", "after.json", "-o", "light.svg", "--theme", "light", "--fail-on", "error-rate>+50pp"], in: folder)
        #expect(light.status == 0, "\(light.standardError)")
        let darkSVG = try String(contentsOfFile: folder + "/dark.svg", encoding: .utf8)
        let lightSVG = try String(contentsOfFile: folder + "/light.svg", encoding: .utf8)
        #expect(darkSVG.contains("fill=\"\(Theme.dark.background)\"") && !lightSVG.contains(Theme.dark.background))
    }

    @Test(arguments: [(["graph", "before.json", "-o", "g.svg"], "tracegraph.yml:2:3: 'renmae' is no key of 'services'"),
                      (["graph", "before.json", "-o", "g.svg", "--config", "missing.yml"], "missing.yml: cannot read the configuration"),
                      (["diff", "before.json", "after.json"], "tracegraph.yml:2:3: 'renmae' is no key of 'services'")])
    func aConfigurationThatCannotBeUsedExits78(arguments: [String], says: String) throws {
        let folder = try Self.folder(with: "services:\n  renmae:\n    a: b\n")
        let result = try Tool.run(arguments, in: folder)
        #expect(result.status == 78 && result.standardError.contains(says), "\(result.standardError)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/g.svg"))
    }
}
