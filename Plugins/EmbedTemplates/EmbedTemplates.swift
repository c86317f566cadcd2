import Foundation
import PackagePlugin

/// Builds the report's templates (the files in the package's `Templates/` folder and its
/// subfolders, such as the page's script in `Templates/script/`) into the target as Swift
/// string literals keyed by their paths below `Templates/`, so the binary carries them
/// wherever it is copied.
@main
struct EmbedTemplates: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let folder = context.package.directoryURL.appending(path: "Templates")
        let root = folder.path(percentEncoded: false)
        var names: [String] = []
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        while let name = walker.nextObject() as? String {
            let last = (name as NSString).lastPathComponent
            if last.hasPrefix(".") {
                walker.skipDescendants()
                continue
            }
            if walker.fileAttributes?[.type] as? FileAttributeType == .typeRegular { names.append(name) }
        }
        names.sort()
        let inputs = names.map { folder.appending(path: $0) }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedTemplates.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(names.count) report templates",
                executable: try context.tool(named: "TemplateEmbedder").url,
                arguments: [output.path(percentEncoded: false), root] + names,
                inputFiles: inputs,
                outputFiles: [output]
            )
        ]
    }
}
