import ArgumentParser
import Foundation

extension AsyncParsableCommand {
    /// Parses the command line and runs the command as ArgumentParser's `main()` does, with
    /// the same messages and usage text, except that a usage error exits 2, the status the
    /// README documents for both executables, instead of ArgumentParser's 64.
    public static func mainWithUsageStatus2() async {
        do {
            var command = try await asyncParseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            var code = exitCode(for: error)
            if code == .validationFailure { code = ExitCode(2) }
            let text = fullMessage(for: error)
            if !text.isEmpty {
                if code.isSuccess {
                    print(text)
                } else {
                    FileHandle.standardError.write(Data((text + "\n").utf8))
                }
            }
            Foundation.exit(code.rawValue)
        }
    }
}
