/// A promise a fuzz target's body checks, broken by an input. The libFuzzer entry point traps
/// on it, so libFuzzer keeps the input; the regression tests record it as a failed test.
struct FuzzFailure: Error, CustomStringConvertible {
    let description: String
}
