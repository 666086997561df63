import Foundation
import Testing

/// An input the regression tests replay through a fuzz target's body, from its seed corpus
/// (`fuzz/corpus/TARGET`) and every input it ever crashed on (`fuzz/regressions/TARGET`,
/// added by `scripts/fuzz/run.sh`), each named by its path in the repository.
struct FuzzInput {
    let name: String
    let bytes: [UInt8]

    /// The repository: the first folder above this file that holds `fuzz/corpus` (this file is
    /// reached through a link in a test target's folder or at its place in fuzz/entries).
    static let root: URL = {
        var folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("fuzz/corpus").path), folder.path != "/" {
            folder.deleteLastPathComponent()
        }
        return folder
    }()

    static func all(_ target: String) throws -> [FuzzInput] {
        var all: [FuzzInput] = []
        for folder in ["fuzz/corpus/\(target)", "fuzz/regressions/\(target)"] {
            let dir = root.appendingPathComponent(folder)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            for name in names.sorted() where !name.hasPrefix(".") {
                all.append(FuzzInput(name: "\(folder)/\(name)", bytes: Array(try Data(contentsOf: dir.appendingPathComponent(name)))))
            }
        }
        return all
    }

    /// The body's result for every input of `target`, by name. An input on which the body
    /// breaks a promise is a test failure naming it, and is left out.
    static func replay<Outcome>(_ target: String, through body: ([UInt8]) throws(FuzzFailure) -> Outcome) throws -> [String: Outcome] {
        var results: [String: Outcome] = [:]
        for input in try all(target) {
            do {
                results[input.name] = try body(input.bytes)
            } catch {
                Issue.record("\(input.name): \(error)")
            }
        }
        return results
    }
}
