import FuzzSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzRead.run(UnsafeRawBufferPointer(start: data, count: size), format: .otlpJSON)
}
