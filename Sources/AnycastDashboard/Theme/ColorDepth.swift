/// How many colours the terminal can show, and how a theme's 24-bit colours map onto them.
public enum ColorDepth: String, Sendable, Hashable, CaseIterable {
    /// 24-bit direct colour (the colour value is the RGB number).
    case trueColor = "truecolor"
    /// The xterm 256-colour palette.
    case colors256 = "256"
    /// The 16 ANSI colours.
    case colors16 = "16"
    /// The 8 basic ANSI colours.
    case colors8 = "8"
    /// No colour: monochrome with bold and reverse (`NO_COLOR`, or a terminal without colour).
    case monochrome = "none"

    /// The depth for a terminal reporting `colors` colours.
    public static func forTerminal(colors: Int, noColorRequested: Bool) -> ColorDepth {
        if noColorRequested { return .monochrome }
        switch colors {
        case (1 << 24)...: return .trueColor
        case 256...: return .colors256
        case 16...: return .colors16
        case 8...: return .colors8
        default: return .monochrome
        }
    }

    /// The terminal colour number nearest to `color` at this depth (`nil` when monochrome).
    public func index(of color: RGBColor) -> Int? {
        switch self {
        case .trueColor: return Int(color.red) << 16 | Int(color.green) << 8 | Int(color.blue)
        case .colors256: return Self.nearest256(color)
        case .colors16: return Self.nearest(color, in: Self.ansi16)
        case .colors8: return Self.nearest(color, in: Array(Self.ansi16.prefix(8)))
        case .monochrome: return nil
        }
    }

    /// The colour numbers theme colours map to at this depth (`nil` for 24-bit colour and
    /// monochrome). At 256 colours only the fixed cube and grey ramp: the first 16 are the
    /// ANSI colours, which terminal colour schemes redefine.
    public var paletteIndices: Range<Int>? {
        switch self {
        case .colors8: 0..<8
        case .colors16: 0..<16
        case .colors256: 16..<256
        case .trueColor, .monochrome: nil
        }
    }

    /// The RGB value the terminal shows for colour number `index` at this depth (xterm's
    /// defaults for the ANSI colours); `nil` when the depth has no such colour.
    public func rgb(ofIndex index: Int) -> RGBColor? {
        switch self {
        case .trueColor:
            guard (0..<(1 << 24)).contains(index) else { return nil }
            return RGBColor(red: UInt8(index >> 16 & 0xFF), green: UInt8(index >> 8 & 0xFF), blue: UInt8(index & 0xFF))
        case .colors256:
            switch index {
            case 0..<16: return Self.ansi16[index]
            case 16..<232:
                let levels: [UInt8] = [0, 95, 135, 175, 215, 255]
                let i = index - 16
                return RGBColor(red: levels[i / 36], green: levels[i / 6 % 6], blue: levels[i % 6])
            case 232..<256:
                let v = UInt8(8 + 10 * (index - 232))
                return RGBColor(red: v, green: v, blue: v)
            default: return nil
            }
        case .colors16: return (0..<16).contains(index) ? Self.ansi16[index] : nil
        case .colors8: return (0..<8).contains(index) ? Self.ansi16[index] : nil
        case .monochrome: return nil
        }
    }

    /// xterm's default RGB values of the 16 ANSI colours.
    static let ansi16: [RGBColor] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ].map { RGBColor(red: $0.0, green: $0.1, blue: $0.2) }

    static func nearest(_ c: RGBColor, in palette: [RGBColor]) -> Int {
        palette.indices.min { palette[$0].distance(to: c) < palette[$1].distance(to: c) }!
    }

    /// The nearest of the 6×6×6 colour cube (16–231) and the grey ramp (232–255).
    static func nearest256(_ c: RGBColor) -> Int {
        let levels: [UInt8] = [0, 95, 135, 175, 215, 255]
        func level(_ v: UInt8) -> Int { levels.indices.min { abs(Int(levels[$0]) - Int(v)) < abs(Int(levels[$1]) - Int(v)) }! }
        let (r, g, b) = (level(c.red), level(c.green), level(c.blue))
        let cube = RGBColor(red: levels[r], green: levels[g], blue: levels[b])
        let cubeIndex = 16 + 36 * r + 6 * g + b
        let avg = (Int(c.red) + Int(c.green) + Int(c.blue)) / 3
        let greyStep = min(23, max(0, (avg - 8 + 5) / 10))
        let greyValue = UInt8(8 + 10 * greyStep)
        let grey = RGBColor(red: greyValue, green: greyValue, blue: greyValue)
        return grey.distance(to: c) < cube.distance(to: c) ? 232 + greyStep : cubeIndex
    }
}
