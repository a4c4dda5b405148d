internal import CLibFuzzer
import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

/// `termplayer-fuzz HARNESS [libFuzzer flags and corpus folders]`, or `termplayer-fuzz list`.
///
/// SwiftPM links an executable's entry under this name (`-parse-as-library` leaves it to us), so this, not
/// libFuzzer's own `main`, runs: it picks the harness and starts libFuzzer through its documented
/// `LLVMFuzzerRunDriver`.
@_cdecl("TermPlayerFuzz_main")
func termPlayerFuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    let arguments = (0..<Int(argc)).map { index in argv?[index].map { String(cString: $0) } ?? "" }
    guard arguments.count > 1, arguments[1] != "list" else {
        for harness in Harness.all { print("\(harness.name)\t\(harness.about)") }
        return arguments.count > 1 ? 0 : 2
    }
    guard let harness = Harness.all.first(where: { $0.name == arguments[1] }) else {
        let message = "termplayer-fuzz: no harness named \(arguments[1]); `termplayer-fuzz list` names them\n"
        _ = try? FileDescriptor.standardError.writeAll(message.utf8)
        return 2
    }
    chosen = harness
    // libFuzzer reads its own flags from what follows the harness's name.
    var driverArgc = argc - 1
    let driverArgv = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: Int(argc))
    driverArgv[0] = argv?[0]
    for index in 2..<Int(argc) { driverArgv[index - 1] = argv?[index] }
    driverArgv[Int(argc) - 1] = nil
    var passed: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = driverArgv
    return LLVMFuzzerRunDriver(&driverArgc, &passed, runChosen)
}

/// Set once, before libFuzzer starts, and only read after: libFuzzer calls back on the thread that started it.
nonisolated(unsafe) private var chosen: Harness?

/// Also under libFuzzer's usual name: its own `main`, linked from the same archive, needs the symbol to exist.
@_cdecl("LLVMFuzzerTestOneInput")
func runChosen(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let chosen else { return 0 }
    chosen.run(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}
