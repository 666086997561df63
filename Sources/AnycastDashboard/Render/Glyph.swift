/// What one cell shows: a grapheme's UTF-8 bytes packed into eight bytes, the first in the
/// lowest. A cell is then plain data: writing, copying and comparing the 12,000 cells of a
/// 200×60 frame touches no reference count, where a `String` per cell cost a retain and a
/// release for each (BENCHMARKS.md, "a compact cell grid").
///
/// Every grapheme the views draw fits: ASCII, box drawing, blocks and CJK take one to three
/// bytes, an emoji with a variation selector seven, a flag eight. A longer one (an emoji joined
/// with zero-width joiners) keeps only its first scalar, which is what most terminals can show
/// in the two columns it is given.
public struct Glyph: Sendable, Hashable {
    /// The UTF-8 bytes; zero after the last one (UTF-8 has no zero byte but NUL, never drawn).
    public let packed: UInt64

    /// The right half of a double-width character: nothing is drawn there.
    public static let empty = Glyph(packed: 0)
    public static let space = Glyph(packed: 0x20)

    init(packed: UInt64) {
        self.packed = packed
    }

    /// One scalar, which must not be NUL.
    @inline(__always)
    public init(_ scalar: Unicode.Scalar) {
        let v = UInt64(scalar.value)
        if v < 0x80 {
            packed = v
        } else if v < 0x800 {
            packed = (0xC0 | v >> 6) | (0x80 | v & 0x3F) << 8
        } else if v < 0x1_0000 {
            packed = (0xE0 | v >> 12) | (0x80 | v >> 6 & 0x3F) << 8 | (0x80 | v & 0x3F) << 16
        } else {
            packed = (0xF0 | v >> 18) | (0x80 | v >> 12 & 0x3F) << 8 | (0x80 | v >> 6 & 0x3F) << 16 | (0x80 | v & 0x3F) << 24
        }
    }

    /// A whole grapheme (`""` for the right half of a wide character).
    public init(_ text: String) {
        var packed: UInt64 = 0
        var shift: UInt64 = 0
        for byte in text.utf8 {
            guard shift < 64 else {
                // Too long to pack: its first scalar stands for it.
                self = text.unicodeScalars.first.map(Glyph.init) ?? .empty
                return
            }
            packed |= UInt64(byte) << shift
            shift += 8
        }
        self.packed = packed
    }

    /// The grapheme as text.
    public var text: String {
        var bytes = packed.littleEndian
        let count = (64 - packed.leadingZeroBitCount + 7) / 8
        return withUnsafeBytes(of: &bytes) { String(decoding: $0.prefix(count), as: UTF8.self) }
    }

    /// True for the right half of a wide character.
    public var isEmpty: Bool { packed == 0 }

    /// Writes the grapheme's scalars to `out` (up to `out.count`) and returns how many it wrote.
    /// ASCII, the usual case, decodes without building a string.
    public func scalars(into out: UnsafeMutableBufferPointer<UInt32>) -> Int {
        guard !out.isEmpty else { return 0 }
        if packed < 0x80 {
            if packed == 0 { return 0 }
            out[0] = UInt32(packed)
            return 1
        }
        var n = 0
        for scalar in text.unicodeScalars where n < out.count {
            out[n] = scalar.value
            n += 1
        }
        return n
    }
}
