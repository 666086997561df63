extension StyleRole {
    /// The least WCAG 2 contrast ratio this role is drawn with, against its background, at any
    /// colour depth (`ColorDepth.colors(for:in:)` moves a colour until it holds).
    ///
    /// - Every role that draws words or symbols that carry meaning (status words, badges,
    ///   titles, marks, the dialog's title in `dialog_border`) is text: 4.5:1, WCAG's floor
    ///   for normal-size text (1.4.3).
    /// - `background` paints blank cells and is drawn with the text colour, so nothing on the
    ///   screen is ever in an invisible colour: 4.5:1 too.
    /// - `sparkline` bars are a graphic whose shape is the information: 3:1, WCAG's floor for
    ///   graphics needed to understand the content (1.4.11).
    /// - `border` draws rules and frames, which only group what the words already say. WCAG
    ///   asks nothing of decoration and a faint frame is the point, but it must never vanish
    ///   into its background: 1.5:1 keeps it seen.
    public var minimumContrast: Double {
        switch self {
        case .border: 1.5
        case .sparkline: 3
        default: 4.5
        }
    }
}
