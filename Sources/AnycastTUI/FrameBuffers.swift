import AnycastDashboard

/// The runtime's frames, drawn into storage that is used again.
///
/// The screen keeps the frame it painted last, to paint only the cells that change; so the
/// storage to draw into is the frame before that one, which nothing else holds once a newer
/// frame was painted. Drawn there, a frame costs no allocation. When the screen still holds it
/// (a frame that changed nothing is not kept), copy-on-write makes a new one, as before.
struct FrameBuffers {
    private var beforeLast: CellGrid?
    private var last: CellGrid?

    /// The frame for `state`.
    mutating func render(_ state: DashboardState) -> CellGrid {
        // A new grid is made at the state's size by the render's reset.
        var grid = beforeLast.take() ?? CellGrid(width: 0, height: 0)
        DashboardView.render(state, into: &grid)
        beforeLast = last
        last = grid
        return grid
    }
}
