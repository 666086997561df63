import AnycastCore

/// Realistic sites for the simulated fleet: IATA-style ids in five regions.
public enum SimulatedSiteCatalog {
    struct Place {
        let code: String, city: String, region: String, utcOffset: Double, weight: Double
    }

    // Ordered so that any prefix of 6 or more covers at least three regions.
    static let places: [Place] = [
        Place(code: "ams", city: "Amsterdam", region: "eu", utcOffset: 1, weight: 1.3),
        Place(code: "iad", city: "Ashburn", region: "na", utcOffset: -5, weight: 1.5),
        Place(code: "nrt", city: "Tokyo", region: "ap", utcOffset: 9, weight: 1.2),
        Place(code: "fra", city: "Frankfurt", region: "eu", utcOffset: 1, weight: 1.2),
        Place(code: "ord", city: "Chicago", region: "na", utcOffset: -6, weight: 1.0),
        Place(code: "sin", city: "Singapore", region: "ap", utcOffset: 8, weight: 1.0),
        Place(code: "lhr", city: "London", region: "eu", utcOffset: 0, weight: 1.1),
        Place(code: "sjc", city: "San Jose", region: "na", utcOffset: -8, weight: 1.0),
        Place(code: "syd", city: "Sydney", region: "ap", utcOffset: 10, weight: 0.7),
        Place(code: "gru", city: "Sao Paulo", region: "sa", utcOffset: -3, weight: 0.9),
        Place(code: "scl", city: "Santiago", region: "sa", utcOffset: -4, weight: 0.5),
        Place(code: "jnb", city: "Johannesburg", region: "af", utcOffset: 2, weight: 0.5),
        Place(code: "cdg", city: "Paris", region: "eu", utcOffset: 1, weight: 1.0),
        Place(code: "dfw", city: "Dallas", region: "na", utcOffset: -6, weight: 0.9),
        Place(code: "hkg", city: "Hong Kong", region: "ap", utcOffset: 8, weight: 0.9),
        Place(code: "waw", city: "Warsaw", region: "eu", utcOffset: 1, weight: 0.6),
        Place(code: "mia", city: "Miami", region: "na", utcOffset: -5, weight: 0.7),
        Place(code: "bom", city: "Mumbai", region: "ap", utcOffset: 5.5, weight: 0.9),
        Place(code: "bog", city: "Bogota", region: "sa", utcOffset: -5, weight: 0.4),
        Place(code: "nbo", city: "Nairobi", region: "af", utcOffset: 3, weight: 0.3),
    ]

    static let peerKinds = ["transit1", "transit2", "ixp-rs", "pni1"]

    /// `count` sites; after the catalogue's places run out, further ones get instance numbers
    /// (`ams2`, `iad2`, ...). Deterministic for a given generator state.
    public static func sites(count: Int, random: inout SeededRandom) -> [SimulatedSiteProfile] {
        (0..<count).map { i in
            let place = places[i % places.count]
            let instance = i / places.count + 1
            let peerCount = 2 + Int(random.unit() * 3)  // 2 to 4 peers
            let peers = (0..<peerCount).map { p in
                // RFC 5737 documentation addresses and RFC 5398 documentation ASNs.
                let n = (i * 4 + p) % 250 + 1
                return SimulatedPeerProfile(
                    name: peerKinds[p], address: "198.51.100.\(n)", asn: 64496 + UInt32((i + p) % 16))
            }
            return SimulatedSiteProfile(
                identity: SiteIdentity(id: "\(place.code)\(instance)", name: instance == 1 ? place.city : "\(place.city) \(instance)",
                                       region: place.region, location: place.city),
                weight: place.weight * (0.85 + 0.3 * random.unit()),
                capacityQPS: (place.weight * 40_000 * (0.9 + 0.4 * random.unit())).rounded(),
                baseLatencyMs: 0.4 + 1.6 * random.unit(),
                utcOffsetHours: place.utcOffset,
                peers: peers)
        }
    }
}
