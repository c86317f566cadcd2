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
}
