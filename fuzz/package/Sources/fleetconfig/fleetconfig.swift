import AnycastCore

// Fuzz target: the dashboard's fleet config loader (TOML through TOMLKit/toml++, then the
// checks), from text as FleetConfigLoader.load hands it over. Each input is loaded or refused
// with a ConfigError (the typed throw), never traps. The loader only reads files (token and
// PEM files named in the config); relative ones are looked up in a folder that does not exist,
// and the environment is a fixed dictionary, not the process's.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFleetConfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        let config = try FleetConfigLoader.parse(
            source: text, file: "fleet.toml", baseDirectory: "/nonexistent/anycast-fuzz",
            environment: ["FRA1_TOKEN": "fra1-secret", "READ_TOKEN": "read-secret", "EMPTY": ""])
        if config.sites.isEmpty { fatalError("a fleet config without sites was loaded") }
    } catch {
        _ = error.description  // a ConfigError: file:line: message
    }
    return 0
}
