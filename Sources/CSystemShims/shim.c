/* Everything lives in include/shim.h; SwiftPM needs one source file for a C target. */
