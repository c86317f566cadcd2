/// Export files kept in the repository's `Tests/Fixtures/`, each folder with a README that says
/// how it was made.
public enum Fixtures {
    /// `Tests/Fixtures` from the repository's root.
    public static let folder: String = {
        var path = #filePath
        for _ in 0..<2 { path = String(path[..<path.lastIndex(of: "/")!]) }
        return path + "/Fixtures"
    }()

    /// A shop made with the OpenTelemetry Python SDK and encoded by its own OTLP encoder
    /// (`Scripts/python-sdk-export/make_export.py`): RPCs, Kafka-style messaging with per-message
    /// links, a retry chain, a dead-letter queue, a saga compensation and a batch of 1,000 items.
    public static let pythonSDKShop = folder + "/python-sdk/shop.binpb"

    /// The same spans as OTLP/JSON.
    public static let pythonSDKShopJSON = folder + "/python-sdk/shop.json"

    /// A pipeline made with the OpenTelemetry Python SDK (`Scripts/python-sdk-export/make_pipeline.py`),
    /// gzip-compressed protobuf: a batch job of 10,000 items of which 37 fail and are re-driven (2
    /// fail again and are dead-lettered), and orders fulfilled over several days, one re-delivered.
    public static let pythonSDKPipeline = folder + "/python-sdk/pipeline.binpb.gz"
}
