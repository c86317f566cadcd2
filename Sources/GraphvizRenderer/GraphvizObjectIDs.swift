import CGraphviz

/// The ids cgraph gives a graph's objects, in the order they are named. cgraph's own id
/// discipline makes a named object's id the address of its name's string, and dot lays out and
/// writes clusters in the order of their ids: the order of group boxes in an SVG changed from run
/// to run with where malloc put the strings. Here a name's id is the order it was first named in
/// (even, as cgraph wants for named objects), an unnamed object's a counter (odd); so the same
/// drawing gives the same bytes.
final class GraphvizObjectIDs {
    /// The discipline cgraph calls; in stable storage, freed with this value (after the graph).
    let discipline: UnsafeMutablePointer<Agiddisc_t>
    let graphDiscipline: UnsafeMutablePointer<Agdisc_t>

    init() {
        discipline = .allocate(capacity: 1)
        discipline.initialize(to: Agiddisc_t(
            open: { graph, _ in graph.map { Unmanaged.passRetained(Names(graph: $0)).toOpaque() } },
            map: { state, _, name, id, create in
                guard let state, let id else { return 0 }
                let names = Unmanaged<Names>.fromOpaque(state).takeUnretainedValue()
                id.pointee = name.map { names.id(of: $0, create: create != 0) } ?? names.nextUnnamed()
                return 1
            },
            alloc: { _, _, _ in 1 },
            free: { _, _, _ in },
            print: { state, _, id in
                guard let state else { return nil }
                return Unmanaged<Names>.fromOpaque(state).takeUnretainedValue().name(of: id)
            },
            close: { state in
                if let state { Unmanaged<Names>.fromOpaque(state).release() }
            },
            idregister: { _, _, _ in }
        ))
        graphDiscipline = .allocate(capacity: 1)
        graphDiscipline.initialize(to: Agdisc_t())
    }

    deinit {
        discipline.deinitialize(count: 1)
        discipline.deallocate()
        graphDiscipline.deinitialize(count: 1)
        graphDiscipline.deallocate()
    }

    /// One graph's names: each one of cgraph's own shared strings (`agstrdup`: cgraph reads a
    /// flag in front of a string it prints), released once, when the graph closes.
    private final class Names {
        private let graph: UnsafeMutablePointer<Agraph_t>
        private var idByName: [String: IDTYPE] = [:]
        private var strings: [UnsafeMutablePointer<CChar>] = []
        private var unnamed: IDTYPE = 1

        init(graph: UnsafeMutablePointer<Agraph_t>) {
            self.graph = graph
        }

        /// The id of `name`: the order it was first named in, times two; 0 for a name not yet
        /// given when not creating, as cgraph's own discipline says.
        func id(of name: UnsafeMutablePointer<CChar>, create: Bool) -> IDTYPE {
            let key = String(cString: name)
            if let known = idByName[key] { return known }
            guard create, let copy = agstrdup(graph, name) else { return 0 }
            strings.append(copy)
            let id = IDTYPE(strings.count * 2)
            idByName[key] = id
            return id
        }

        func nextUnnamed() -> IDTYPE {
            unnamed += 2
            return unnamed
        }

        /// The name an even id stands for; nil for an unnamed object's.
        func name(of id: IDTYPE) -> UnsafeMutablePointer<CChar>? {
            guard id % 2 == 0, id > 0, Int(id / 2) <= strings.count else { return nil }
            return strings[Int(id / 2) - 1]
        }

        /// Called from the discipline's `close`, before cgraph closes its strings.
        deinit { for string in strings { agstrfree(graph, string) } }
    }
}
