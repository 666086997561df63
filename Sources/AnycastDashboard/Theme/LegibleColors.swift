/// A role's colours as terminal colour numbers at one depth; `nil` is the terminal's own colour.
public struct TerminalColorPair: Sendable, Hashable {
    public var foreground: Int?
    public var background: Int?

    public init(foreground: Int?, background: Int?) {
        self.foreground = foreground
        self.background = background
    }
}

extension ColorDepth {
    /// The colour numbers `role` is drawn with under `theme` at this depth (`nil` when
    /// monochrome): the nearest colours the terminal has to the theme's that still keep the
    /// role's `minimumContrast`.
    ///
    /// Nearest-colour mapping alone loses contrast at low depths (at 8 colours a dark grey
    /// rule on a near-black background becomes black on black), so when the nearest pair is
    /// not legible: a role on the theme background keeps that background and its foreground
    /// moves to the nearest legible colour, so the screen's background stays one colour; a
    /// role with its own background (badges, headers, dialogs) moves to the nearest legible
    /// pair, which usually shifts the background a little rather than the text a lot. When no
    /// foreground is legible on the theme background (8-colour magenta or red reach 4.5:1
    /// with nothing), that role's pair moves too. At 24-bit colour "nearest" means blended
    /// toward white or black just far enough. A role using the terminal's own colour on
    /// either side keeps the plain nearest colours: the terminal's colour is unknown here.
    public func colors(for role: StyleRole, in theme: Theme) -> TerminalColorPair? {
        guard self != .monochrome else { return nil }
        // Blank cells carry no colour of their own: they get the text colour.
        let style = theme.style(role)
        let wantedForeground = role == .background ? theme.style(.text).foreground : style.foreground
        let ownBackground = role == .background ? nil : style.background
        let wantedBackground = ownBackground ?? theme.background
        guard let fg = wantedForeground, let bg = wantedBackground else {
            return TerminalColorPair(foreground: wantedForeground.flatMap(index(of:)), background: wantedBackground.flatMap(index(of:)))
        }
        let floor = role.minimumContrast
        func legible(_ f: PaletteColor, on b: PaletteColor) -> Bool { f.index != b.index && f.contrastRatio(with: b) >= floor }
        let plainForeground = nearest(fg), plainBackground = nearest(bg)
        if legible(plainForeground, on: plainBackground) {
            return TerminalColorPair(foreground: plainForeground.index, background: plainBackground.index)
        }
        let foregrounds = candidates(near: fg)
        if ownBackground == nil,
           let f = foregrounds.filter({ legible($0, on: plainBackground) }).min(by: { $0.color.distance(to: fg) < $1.color.distance(to: fg) }) {
            return TerminalColorPair(foreground: f.index, background: plainBackground.index)
        }
        var best: (pair: TerminalColorPair, cost: Int)?
        var clearest: (pair: TerminalColorPair, ratio: Double)?
        let foregroundCosts = foregrounds.map { $0.color.distance(to: fg) }
        for b in candidates(near: bg) {
            let backgroundCost = b.color.distance(to: bg)
            for (f, foregroundCost) in zip(foregrounds, foregroundCosts) where f.index != b.index {
                let pair = TerminalColorPair(foreground: f.index, background: b.index)
                let ratio = f.contrastRatio(with: b)
                if ratio >= floor {
                    let cost = foregroundCost + backgroundCost
                    if cost < best?.cost ?? .max { best = (pair, cost) }
                }
                if ratio > clearest?.ratio ?? 0 { clearest = (pair, ratio) }
            }
        }
        // Every depth has black and white, which reach the floors on any background; the
        // clearest pair is there only so that a future floor above that cannot crash.
        return best?.pair ?? clearest?.pair
    }

    /// A colour the terminal can show, with its number and luminance (worked out once, as the
    /// search compares every pair).
    struct PaletteColor {
        var index: Int
        var color: RGBColor
        var luminance: Double

        init(index: Int, color: RGBColor) {
            self.index = index
            self.color = color
            luminance = color.relativeLuminance
        }

        func contrastRatio(with other: PaletteColor) -> Double {
            (max(luminance, other.luminance) + 0.05) / (min(luminance, other.luminance) + 0.05)
        }
    }

    /// The colour `index(of:)` maps `color` to.
    func nearest(_ color: RGBColor) -> PaletteColor {
        let i = index(of: color)!
        return PaletteColor(index: i, color: rgb(ofIndex: i)!)
    }

    /// The colours `wanted` may become: the palette, or at 24-bit colour `wanted` itself and
    /// its blends toward white and black.
    func candidates(near wanted: RGBColor) -> [PaletteColor] {
        if let indices = paletteIndices {
            return indices.compactMap { i in rgb(ofIndex: i).map { PaletteColor(index: i, color: $0) } }
        }
        let white = RGBColor(red: 255, green: 255, blue: 255), black = RGBColor(red: 0, green: 0, blue: 0)
        return (0...32).flatMap { step in
            [white, black].map { target in nearest(wanted.blended(toward: target, fraction: Double(step) / 32)) }
        }
    }
}
