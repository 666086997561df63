/// A value kept in one heap object that copies share, copied only when a shared one is
/// changed (copy on write).
///
/// For the parts of a site's record that rarely change (its config; the identity, services,
/// peers and health of its status): the dashboard copies every site into each fleet snapshot
/// once a second and releases the one before, so each reference these parts hold cost a
/// retain and a release, per site, per second, on memory that is no longer in the cache.
/// Shared, they cost one of each.
public struct SharedValue<Value: Sendable>: Sendable {
    /// Changed only while uniquely referenced (`value`'s `_modify`), which makes sharing it
    /// between threads safe.
    @usableFromInline final class Storage: @unchecked Sendable {
        /// Reached only through a `SharedValue`, whose own accesses the compiler checks for
        /// overlap; checked again at run time, each read of a site's config or standing cost
        /// a call into the runtime, for every site, several times a cycle.
        @exclusivity(unchecked) @usableFromInline var value: Value
        @usableFromInline init(_ value: Value) { self.value = value }
    }

    @usableFromInline var storage: Storage

    @inlinable public init(_ value: Value) { storage = Storage(value) }

    @inlinable public var value: Value {
        _read { yield storage.value }
        _modify {
            if !isKnownUniquelyReferenced(&storage) { storage = Storage(storage.value) }
            yield &storage.value
        }
    }
}

extension SharedValue: Equatable where Value: Equatable {
    @inlinable public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.storage === rhs.storage || lhs.value == rhs.value
    }
}

extension SharedValue: Hashable where Value: Hashable {
    @inlinable public func hash(into hasher: inout Hasher) { value.hash(into: &hasher) }
}

/// Printed and dumped as the value it holds, not as a reference to an object.
extension SharedValue: CustomReflectable {
    public var customMirror: Mirror { Mirror(reflecting: value) }
}
