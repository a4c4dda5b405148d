internal import CNcursesW

/// The linked ncursesw. The terminal UI arrives with its own issue; this keeps the module linked meanwhile.
enum TerminalLibrary {
    /// e.g. "ncurses 6.4.20221231".
    static var version: String { String(cString: curses_version()) }
}
