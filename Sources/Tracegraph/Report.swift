extension LoadedTraces {
    /// The service graph of these traces.
    public func serviceGraph(_ options: ServiceGraph.Options = .init()) -> (graph: ServiceGraph, summary: TraceSetSummary) {
        let reading = graphReading(options, attributingSpans: false)
        return (reading.graph, reading.summary)
    }

    /// The service graph of these traces, with the graph's reading of each span when asked.
    public func graphReading(_ options: ServiceGraph.Options = .init(), attributingSpans: Bool) -> ServiceGraph.Reading {
        traces.graphReading(options, attributingSpans: attributingSpans)
    }

    /// The HTML report of these traces, with the part of their service graph `view` draws, laid
    /// out by Graphviz. `noting` hears what a person should know about the drawing: what the view
    /// left out, and why its layout is not the usual one.
    /// - Throws: `GraphvizError` when the graph cannot be drawn, `GraphViewError` when the view
    ///   names nothing in it, `ReportError` when the templates are not valid.
    public func htmlReport(
        graphOptions: ServiceGraph.Options = .init(), view: GraphView = .full, renderer: GraphvizRenderer = GraphvizRenderer(),
        options: HTMLReport.Options = .init(), noting: (String) -> Void = { _ in }
    ) throws -> HTMLReport {
        try ReportReading(self).htmlReport(graphOptions: graphOptions, view: view, renderer: renderer, options: options, noting: noting)
    }
}

extension ReportReading {
    /// The HTML report of the traces read, with the part of the service graph of every span that
    /// `view` draws, laid out by Graphviz. `noting` hears what a person should know about the
    /// drawing: what the view left out, and why its layout is not the usual one.
    /// - Throws: `GraphvizError` when the graph cannot be drawn, `GraphViewError` when the view
    ///   names nothing in it, `ReportError` when the templates are not valid.
    public func htmlReport(
        graphOptions: ServiceGraph.Options = .init(), view: GraphView = .full, renderer: GraphvizRenderer = GraphvizRenderer(),
        options: HTMLReport.Options = .init(), noting: (String) -> Void = { _ in }
    ) throws -> HTMLReport {
        // The graph's reading of the spans shown; the graph and the numbers of every span read.
        let shown = traces.graphReading(graphOptions, attributingSpans: true)
        let graph = everySpan?.graph ?? shown.graph
        let viewed = try view.apply(to: graph)
        for note in viewed.notes { noting(note) }
        if let reason = renderer.plan(for: viewed.graph).reason { noting(reason) }
        let svg = try renderer.render(viewed, format: .svg)
        return try HTMLReport(
            traces: traces, summary: summary,
            inputs: inputs.map { HTMLReport.Input(path: $0.source, format: $0.formatDescription, spans: $0.spans) },
            graphSVG: String(decoding: svg, as: UTF8.self), graph: graph, attribution: shown.attribution,
            digest: everySpan?.digest, tracesRead: tracesRead, options: options)
    }
}

extension TraceSet {
    /// The service graph of these spans, with the graph's reading of each span when asked.
    func graphReading(_ options: ServiceGraph.Options, query: TraceQuery = TraceQuery(), attributingSpans: Bool) -> ServiceGraph.Reading {
        var accumulator = ServiceGraph.Accumulator(options: options, query: query)
        for span in spans { accumulator.receive(span) }
        return accumulator.finish(attributingSpans: attributingSpans)
    }
}
