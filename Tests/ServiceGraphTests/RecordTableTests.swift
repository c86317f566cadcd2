@testable import ServiceGraph
import Testing
import TraceModel
import TraceTestSupport

/// The accumulator's compact records and the tables that number what they share.
@Suite struct RecordTableTests {
    @Test func aRecordIsFortyBytesAndGivesBackWhatItWasGiven() {
        #expect(MemoryLayout<Record>.stride == 40)
        var generator = SplitMix64(seed: 1)
        for _ in 0..<10_000 {
            let trace = UInt32.random(in: 0..<1 << 31, using: &generator)
            let spanID = generator.next()
            let parent = Bool.random(using: &generator) ? 0 : generator.next()
            let start = generator.next()
            let duration = generator.next()
            let shape = UInt32.random(in: 0...UInt32.max, using: &generator)
            var record = Record(trace: trace, spanID: spanID, parent: parent, start: start, duration: duration, shape: shape)
            #expect(record.trace == trace && record.spanID == spanID && record.parentSpanID == parent)
            #expect(record.start == start && record.duration == duration && record.shape == shape)
            #expect(record.hasParent == (parent != 0))
            #expect(record.localParent == -1)
            let offset = Int.random(in: 0..<1 << 32, using: &generator)
            record.setLocalParent(offset)
            #expect(record.localParent == offset && record.hasParent && record.trace == trace)
            let other = UInt32.random(in: 0..<1 << 31, using: &generator)
            record.trace = other
            #expect(record.trace == other && record.localParent == offset)
        }
    }

    @Test func theParentOfARecordWithALocalParentIsThatRecordsSpanID() {
        var records = [Record(trace: 0, spanID: 10, parent: 0, start: 0, duration: 1, shape: 0),
                       Record(trace: 0, spanID: 11, parent: 10, start: 0, duration: 1, shape: 0),
                       Record(trace: 0, spanID: 12, parent: 99, start: 0, duration: 1, shape: 0)]
        records[1].setLocalParent(0)
        var store = RecordStore()
        store.append([Record(trace: 1, spanID: 5, parent: 0, start: 0, duration: 1, shape: 0)])
        store.append(records)
        #expect((0..<4).map { store.parentSpanID(of: store.reference(ofIndex: $0)) } == [0, 0, 10, 99])
    }

    @Test func traceIDsKeepTheirNumbersAsTheTableGrows() {
        var generator = SplitMix64(seed: 2)
        let distinct = (0..<50_000).map { _ in TraceID(high: generator.next(), low: generator.next()) }
        var table = TraceIDTable()
        var expected: [TraceID: UInt32] = [:]
        for _ in 0..<200_000 {
            // Runs of one id, as the spans of a trace come, and ids seen long before.
            let id = distinct[Int.random(in: 0..<distinct.count, using: &generator)]
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                let index = table.intern(id)
                if let known = expected[id] { #expect(index == known) } else { #expect(Int(index) == expected.count) }
                expected[id] = index
            }
        }
        #expect(table.count == expected.count)
        for (id, index) in expected {
            #expect(table.index(of: id) == index)
            #expect(table.elements[Int(index)] == id)
        }
        #expect(table.index(of: TraceID(high: generator.next(), low: generator.next())) == nil)
        #expect(table.index(of: .zero) == nil)
        _ = table.intern(.zero)
        #expect(table.index(of: .zero) == UInt32(expected.count))
    }

    @Test func shapesAreNumberedInTheOrderFirstSeen() {
        var generator = SplitMix64(seed: 3)
        var table = ShapeTable()
        var expected: [Shape: UInt32] = [:]
        for _ in 0..<20_000 {
            let shape = Shape(service: UInt32.random(in: 0..<40, using: &generator),
                              peer: Bool.random(using: &generator) ? Record.noPeer : UInt32.random(in: 0..<30, using: &generator),
                              kind: SpanKind.allCases.randomElement(using: &generator)!, isError: Bool.random(using: &generator))
            let index = table.intern(shape)
            if let known = expected[shape] { #expect(index == known) } else { #expect(Int(index) == expected.count) }
            expected[shape] = index
        }
        #expect(table.elements.count == expected.count)
        #expect(expected.allSatisfy { table.elements[Int($0.value)] == $0.key })
    }

    @Test(arguments: [0, 1, 15, 16, 1_000, 70_001])
    func theKeyTableFindsTheFirstRecordOfEveryKeyAndMarksTheRepeats(count: Int) {
        var generator = SplitMix64(seed: UInt64(count))
        // Segments of random sizes; a key of an earlier record now and then, in any segment.
        var segments: [[Record]] = []
        var all: [Record] = []
        while all.count < count {
            var segment: [Record] = []
            for _ in 0..<min(count - all.count, Int.random(in: 0...5_000, using: &generator)) {
                var record = Record(trace: UInt32.random(in: 0..<500, using: &generator), spanID: generator.next(), parent: 0,
                                    start: 0, duration: 0, shape: 0)
                if !all.isEmpty, Int.random(in: 0..<10, using: &generator) == 0 {
                    let earlier = all.randomElement(using: &generator)!
                    record = Record(trace: earlier.trace, spanID: earlier.spanID, parent: 0, start: 0, duration: 1, shape: 1)
                }
                segment.append(record)
                all.append(record)
            }
            segments.append(segment)
        }
        var store = RecordStore()
        for segment in segments { store.append(segment) }
        let table = SpanKeyTable(store)
        var first: [SpanKey: Int] = [:]
        var repeats: [Int] = []
        for (index, record) in all.enumerated() {
            let key = SpanKey(traceID: TraceID(high: 0, low: UInt64(record.trace)), spanID: SpanID(record.spanID))
            if first[key] == nil { first[key] = index } else { repeats.append(index) }
        }
        #expect(table.duplicateIndices == repeats)
        #expect(table.duplicateCount == repeats.count)
        #expect((0..<count).filter(table.isDuplicate) == repeats)
        for (key, index) in first {
            let reference = table.reference(of: UInt32(key.traceID.low), key.spanID.value, in: store)
            #expect(reference.map(store.index(of:)) == index)
        }
        #expect(table.reference(of: 500, 1, in: store) == nil)
        // Sized once for the records: at most 70% full.
        #expect(SpanKeyTable.capacity(for: count) * 7 >= count * 10)
    }
}
