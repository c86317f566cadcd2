import Testing
@testable import TraceReaders
import TraceModel
import TraceTestSupport

/// The readers' hex ids, eight digits at a time, agree with the digit-by-digit reading.
@Suite struct HexDigitsTests {
    /// Sixteen bytes of hex digits of either case with, at random, one byte of anything.
    @Test(arguments: [1, 2, 3] as [UInt64])
    func sixteenDigitsReadAsOneAtATimeDoes(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let digits = Array("0123456789abcdefABCDEF".utf8)
        for _ in 0..<20_000 {
            var text = (0..<16).map { _ in digits.randomElement(using: &random)! }
            if Bool.random(using: &random) {
                text[Int.random(in: 0..<16, using: &random)] = UInt8.random(in: 0...255, using: &random)
            }
            let expected = text.count == 16 ? HexDigits.parseUInt64(text) : nil
            let read = ([0x22] + text + [0x22]).withUnsafeBytes { IDText.hex16($0, at: 1) }
            #expect(read == expected, "\(text)")
        }
    }
}
