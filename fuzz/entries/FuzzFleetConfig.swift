import AnycastCore

/// Fuzz target fleetconfig: the dashboard's fleet config loader (TOML through TOMLKit/toml++,
/// then the checks), from text as FleetConfigLoader.load hands it over. Each input is loaded
/// or refused with a ConfigError (the typed throw), never traps; a loaded config has sites.
/// The loader only reads files (token and PEM files named in the config); relative ones are
/// looked up in a folder that does not exist, and the environment is a fixed dictionary, not
/// the process's.
@discardableResult
func fuzzFleetConfig(_ bytes: [UInt8]) throws(FuzzFailure) -> Result<FleetConfig, ConfigError> {
    let result = Result { () throws(ConfigError) in
        try FleetConfigLoader.parse(
            source: String(decoding: bytes, as: UTF8.self), file: "fleet.toml", baseDirectory: "/nonexistent/anycast-fuzz",
            environment: ["FRA1_TOKEN": "fra1-secret", "READ_TOKEN": "read-secret", "EMPTY": ""])
    }
    switch result {
    case .success(let config) where config.sites.isEmpty: throw FuzzFailure(description: "a fleet config without sites was loaded")
    case .success: break
    case .failure(let error): _ = error.description  // file:line: message
    }
    return result
}
