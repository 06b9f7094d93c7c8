import Foundation

/// Runs the Python scripts under `Tests/Support` that check our output against the ecosystem's own
/// libraries (`jsonschema`, `phonenumbers`, …).
///
/// When a library is missing, interop tests are skipped on a developer machine, but CI sets
/// `CALLGATE_REQUIRE_INTEROP=1` (see `.ci/run`) and there a missing library is a failure.
public enum PythonOracle {
    /// Whether interop tests must run (CI) rather than be skipped when a library is missing.
    public static var required: Bool { ProcessInfo.processInfo.environment["CALLGATE_REQUIRE_INTEROP"] == "1" }

    /// Whether `python3` can import every module named.
    public static func available(_ modules: String...) -> Bool {
        let code = modules.map { "import \($0)" }.joined(separator: "; ")
        guard let result = try? run(arguments: ["-c", code], stdin: Data()) else { return false }
        return result.status == 0
    }

    /// True when the test should run: the modules are importable, or CI requires them (so the test
    /// runs and fails loudly instead of being skipped).
    public static func shouldRun(_ modules: String...) -> Bool {
        required || modules.allSatisfy { available($0) }
    }

    public struct Result: Sendable {
        public var status: Int32
        public var stdout: Data
        public var stderr: String
    }

    /// Runs `python3 Tests/Support/<script>` with `arguments`, feeding `stdin`.
    public static func script(_ script: String, arguments: [String] = [], stdin: Data) throws -> Result {
        try run(arguments: [PackageRoot.path("Tests/Support/\(script)").path] + arguments, stdin: stdin)
    }

    static func run(arguments: [String], stdin: Data) throws -> Result {
        try Subprocess.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3"] + arguments, stdin: stdin)
    }
}

/// Runs a program to completion, feeding standard input and collecting both outputs.
public enum Subprocess {
    public static func run(
        _ executable: URL, _ arguments: [String], stdin: Data = Data(), directory: URL? = nil
    ) throws -> PythonOracle.Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Write and read concurrently so large inputs and outputs cannot deadlock on full pipes.
        let writer = Thread {
            input.fileHandleForWriting.write(stdin)
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let errorBox = ErrorBox()
        let reader = Thread { errorBox.data = errors.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while reader.isExecuting || !reader.isFinished { usleep(1000) }
        return PythonOracle.Result(
            status: process.terminationStatus, stdout: out,
            stderr: String(decoding: errorBox.data, as: UTF8.self))
    }
}

private final class ErrorBox: @unchecked Sendable {
    var data = Data()
}
