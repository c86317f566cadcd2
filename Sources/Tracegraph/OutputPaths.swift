import SystemCalls

// How OutputFile reads the paths it is given: their folder and name, where their links point.

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
    guard let target = FileSystem.linkContent(link) else { return nil }
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
    guard let real = FileSystem.realPath(base.isEmpty ? "." : base) else { return nil }
    let parts = real.split(separator: "/")
    guard parts.first == "proc" else { return nil }
    let process = Substring(String(Machine.processID))
    let ownDescriptors = parts.count >= 3 && parts[1] == process && parts.last == "fd"
        && (parts.count == 3 || (parts.count == 5 && parts[2] == "task"))
    let number = lastComponent(of: link)
    guard ownDescriptors, !number.isEmpty, number.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
          let descriptor = Int32(number) else { return .other }
    return .descriptor(descriptor)
}
