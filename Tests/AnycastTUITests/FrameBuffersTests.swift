import AnycastCore
import AnycastDashboard
@testable import AnycastTUI
import Foundation
import Testing

@Suite struct FrameBuffersTests {
    static func state(at seconds: Double, width: Int = 100, height: Int = 30) -> DashboardState {
        DashboardState(fleetName: "lab", mode: .live, operatorName: "ops", budget: DrainBudget(minActiveSites: 1, regionMinimums: [:]),
                       now: Date(timeIntervalSince1970: seconds), width: width, height: height)
    }

    /// Equal grids, compared so that a failure does not print 3,000 cells twice.
    static func same(_ a: CellGrid, _ b: CellGrid) -> Bool {
        a.width == b.width && a.height == b.height && a.changedIndices(since: b).isEmpty
    }

    @Test func eachFrameIsTheViewOfItsStateAndTheFrameBeforeLastIsDrawnInPlace() {
        var frames = FrameBuffers()
        let states = [Self.state(at: 0), Self.state(at: 61), Self.state(at: 3_723), Self.state(at: 90_000, width: 60, height: 20)]
        let first = frames.render(states[0])
        #expect(Self.same(first, DashboardView.render(states[0])))
        let firstStorage = first.cells.withUnsafeBufferPointer { $0.baseAddress }
        // The screen holds the frame it painted last, as this test holds `second`.
        let second = frames.render(states[1])
        #expect(Self.same(second, DashboardView.render(states[1])))
        #expect(second.cells.withUnsafeBufferPointer { $0.baseAddress } != firstStorage)
        let third = frames.render(states[2])
        #expect(Self.same(third, DashboardView.render(states[2])))
        #expect(Self.same(first, DashboardView.render(states[0])), "a frame still held elsewhere is not drawn over")
        #expect(Self.same(second, DashboardView.render(states[1])))
        let resized = frames.render(states[3])
        #expect(Self.same(resized, DashboardView.render(states[3])))
    }

    @Test func withNothingElseHoldingItTheFrameBeforeLastGivesItsStorage() {
        var frames = FrameBuffers()
        let firstStorage = frames.render(Self.state(at: 0)).cells.withUnsafeBufferPointer { $0.baseAddress }
        let shown = frames.render(Self.state(at: 1))
        let third = frames.render(Self.state(at: 2))
        #expect(third.cells.withUnsafeBufferPointer { $0.baseAddress } == firstStorage)
        #expect(Self.same(third, DashboardView.render(Self.state(at: 2))))
        #expect(Self.same(shown, DashboardView.render(Self.state(at: 1))))
    }
}
