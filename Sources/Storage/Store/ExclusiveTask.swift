/// Names of tasks run through `Store.exclusively`: the same rule on every backend, and safe as
/// part of a file name (SQLite's lock files).
enum ExclusiveTask {
    static func check(_ name: String) throws(StoreError) {
        let allowed = name.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }
        guard allowed, !name.isEmpty, name.utf8.count <= 64, name.first != "." else {
            throw .configuration(
                "'\(name)' is not a task name: use 1 to 64 letters, digits, '.', '-' or '_', not starting with '.'")
        }
    }
}
